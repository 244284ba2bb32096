/** Latency samples of one measurement window, as percentiles. */

/** The p-th percentile (0..1) of unsorted samples (sorts them in place). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  samples.sort((a, b) => a - b);
  return samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
}

/** Records round trips keyed by request id (ids are small and sequential per peer), and counts the answers. */
export class RoundTrips {
  // A ring of send times: with a bounded window in flight, ids never collide within it.
  readonly #sent = new Float64Array(1 << 16);
  samples: number[] = [];
  recording = false;
  /** Answers since the last reset. */
  count = 0;

  sent(request: number): void {
    this.#sent[request & 0xffff] = performance.now();
  }

  answered(request: number): void {
    this.count++;
    if (this.recording) this.samples.push((performance.now() - this.#sent[request & 0xffff]!) * 1000);
  }

  /** Starts a measurement window: counts from zero and records latencies. */
  reset(): void {
    this.count = 0;
    this.samples = [];
    this.recording = true;
  }

  /** The window's answers and latency percentiles, as a generator reports them. */
  result(seconds: number): { count: number; seconds: number; p50Us: number; p99Us: number } {
    return { count: this.count, seconds, p50Us: percentile(this.samples, 0.5), p99Us: percentile(this.samples, 0.99) };
  }
}
