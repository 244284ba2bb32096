import { randomId } from '../../src/protocol/ids.js';

/**
 * Makes the next `randomId()` draws return `ids`, in order (each in [1, 2^32]), so a spec
 * can make an id come up twice. randomId() reads words that crypto.getRandomValues refills
 * 512 ids at a time: this draws until the next refill, which gets real random words but
 * for the pairs right after the one the refilling draw takes. Call it inside a spec (the
 * spy on getRandomValues goes away with the spec); the rest of the pool stays random.
 */
export function drawNext(ids: readonly number[]): void {
  const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
  const spy = spyOn(globalThis.crypto, 'getRandomValues').and.callFake(<T extends ArrayBufferView | null>(array: T): T => {
    const words = real(array as unknown as Uint32Array);
    // An id is high * 2^32 + low + 1, from one pair of words (high, low).
    ids.forEach((id, i) => words.set([0, id - 1], 2 + 2 * i));
    return array;
  });
  while (spy.calls.count() === 0) randomId();
  spy.and.callThrough();
}
