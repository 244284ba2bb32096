/**
 * Request ids whose answer the client no longer waits for (a call canceled by
 * unsubscribing, an unacknowledged-publish subscriber that left): their late RESULT,
 * ERROR or PUBLISHED is dropped instead of being treated as a protocol violation.
 * Bounded, because a router may never answer.
 */
export class AbandonedRequests {
  readonly #ids = new Set<number>();
  constructor(private readonly limit = 10_000) {}

  /** Remembers that an answer to `request` is to be dropped. */
  add(request: number): void {
    if (this.#ids.size >= this.limit) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    this.#ids.add(request);
  }

  /** True (and forgets it) when `request` was abandoned. */
  take(request: number): boolean {
    return this.#ids.delete(request);
  }

  /** True when `request` was abandoned (and keeps it). */
  has(request: number): boolean {
    return this.#ids.has(request);
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.#ids.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#ids.clear();
  }
}
