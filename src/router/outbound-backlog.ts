/**
 * Counts the messages a transport holds unsent, from the sizes of the frames written and
 * the transport's `bufferedAmount` (octets not yet flushed): the most recent frames that
 * together cover the buffered octets are the ones still queued. Costs nothing while the
 * peer keeps up (nothing buffered); holds one number per queued message otherwise.
 */
export class OutboundBacklog {
  /** Cumulative end offsets of the frames that may still be queued, oldest first from #head. */
  #ends: number[] = [];
  #head = 0;
  /** Octets written since the queue was last empty. */
  #written = 0;

  /** Messages still queued, as of the last `record`. */
  get size(): number {
    return this.#ends.length - this.#head;
  }

  /**
   * Frame offsets held in memory: the queued messages, and sent ones not yet dropped. Sent
   * ones are dropped in batches once more than 1 024 of them make up over half the list.
   */
  get held(): number {
    return this.#ends.length;
  }

  /** Records a frame of `octets` just written, with `buffered` octets now unsent; returns the messages queued. */
  record(octets: number, buffered: number): number {
    this.#written += octets;
    this.#ends.push(this.#written);
    const flushed = this.#written - buffered;
    const ends = this.#ends;
    let head = this.#head;
    while (head < ends.length && ends[head]! <= flushed) head++;
    if (head > 1024 && head * 2 > ends.length) {
      ends.splice(0, head);
      head = 0;
    }
    this.#head = head;
    return ends.length - head;
  }

  /** The transport has flushed everything. */
  clear(): void {
    if (this.#written === 0) return;
    this.#ends = [];
    this.#head = 0;
    this.#written = 0;
  }
}
