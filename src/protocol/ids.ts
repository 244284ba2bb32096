/** The largest WAMP ID: 2^53. IDs are integers in [1, 2^53]. */
export const MAX_ID = 2 ** 53;

/** True for a valid WAMP ID: an integer in [1, 2^53]. */
export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

/** Random words drawn ahead: one call of the platform RNG per 512 IDs, not one per ID. */
const pool = new Uint32Array(1024);
let next = pool.length;

/**
 * A global-scope ID (session, publication): uniformly random in [1, 2^53], from the
 * platform's cryptographic RNG (WebCrypto, present in browsers and Node >= 20).
 */
export function randomId(): number {
  if (next === pool.length) {
    // getRandomValues costs a few microseconds a call whatever its size (a PUBLISH's
    // publication id made it a tenth of the router's time): draw many words at once.
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  // 53 random bits are drawn: 21 from one word, 32 from the other; the range 0..2^53-1
  // shifted by one covers exactly [1, 2^53].
  const high = pool[next++]! & 0x1fffff;
  const low = pool[next++]!;
  return high * 0x100000000 + low + 1;
}

/**
 * A session-scope ID sequence: 1, 2, 3, … wrapping back to 1 after 2^53, as the spec
 * requires for request IDs (one sequence per direction and session).
 */
export class IdSequence {
  #last: number;

  /** Starts after `last` (default 0, so the first ID is 1); a later start lets tests reach the wrap. */
  constructor(last = 0) {
    this.#last = last;
  }

  /** The next ID of the sequence. */
  next(): number {
    this.#last = this.#last >= MAX_ID ? 1 : this.#last + 1;
    return this.#last;
  }

  /** The ID most recently handed out (0 before the first). */
  get last(): number {
    return this.#last;
  }
}
