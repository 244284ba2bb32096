import { IdSequence, isId, MAX_ID, randomId } from '../../src/protocol/ids.js';

describe('IDs', () => {
  it('MAX_ID is 2^53', () => {
    expect(MAX_ID).toBe(9007199254740992);
  });

  it('isId accepts integers in [1, 2^53] only', () => {
    for (const v of [1, 2, 7814135, MAX_ID - 1, MAX_ID]) expect(isId(v)).withContext(String(v)).toBeTrue();
    for (const v of [0, -1, 1.5, MAX_ID + 2, Infinity, NaN, '1', null, undefined, 1n, [1]]) {
      expect(isId(v)).withContext(String(v)).toBeFalse();
    }
  });

  it('randomId stays in [1, 2^53] and is not constant', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 10000; i++) {
      const id = randomId();
      expect(isId(id)).toBeTrue();
      seen.add(id);
    }
    // 10,000 draws from 2^53 values: any repeat means the RNG is broken.
    expect(seen.size).toBe(10000);
  });

  it('randomId uses the high bits too', () => {
    let high = 0;
    for (let i = 0; i < 1000; i++) if (randomId() > 2 ** 52) high++;
    // About half should be above 2^52; 1000 draws all below has probability 2^-1000.
    expect(high).toBeGreaterThan(300);
    expect(high).toBeLessThan(700);
  });

  it('randomId draws the RNG once per 512 IDs', () => {
    const rng = spyOn(globalThis.crypto, 'getRandomValues').and.callThrough();
    // Whatever the pool position, 1024 IDs use up exactly two pools of 512.
    for (let i = 0; i < 1024; i++) randomId();
    expect(rng).toHaveBeenCalledTimes(2);
  });

  it('randomId maps 21 + 32 random bits onto [1, 2^53], both ends included', () => {
    const words = [0, 0, 0xffffffff, 0xffffffff, 0x12345678, 7];
    const rng = spyOn(globalThis.crypto, 'getRandomValues').and.callFake(<T extends ArrayBufferView | null>(array: T): T => {
      const pool = array as unknown as Uint32Array;
      pool.fill(0);
      pool.set(words);
      return array;
    });
    // Use up the current pool: the ID drawn right after the refill comes from `words`.
    let first = randomId();
    while (rng.calls.count() === 0) first = randomId();
    const drawn = [first, randomId(), randomId()];
    // Leave the module a pool of real random words: draw the rest of the fake one away.
    rng.and.callThrough();
    while (rng.calls.count() === 1) randomId();
    expect(drawn).toEqual([1, MAX_ID, (0x12345678 & 0x1fffff) * 2 ** 32 + 7 + 1]);
  });

  describe('IdSequence (session scope)', () => {
    it('starts at 1 and counts up by one', () => {
      const seq = new IdSequence();
      expect(seq.last).toBe(0);
      expect([seq.next(), seq.next(), seq.next()]).toEqual([1, 2, 3]);
      expect(seq.last).toBe(3);
    });

    it('reaches 2^53 and then wraps back to 1', () => {
      const seq = new IdSequence(MAX_ID - 2);
      expect([seq.next(), seq.next(), seq.next(), seq.next()]).toEqual([MAX_ID - 1, MAX_ID, 1, 2]);
    });

    it('sequences are independent (one per direction and session)', () => {
      const a = new IdSequence();
      const b = new IdSequence();
      a.next();
      a.next();
      expect(b.next()).toBe(1);
      expect(a.next()).toBe(3);
    });
  });
});
