/** Latency samples of one measurement window, as percentiles. */

/** The p-th percentile (0..1) of unsorted samples (sorts them in place). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  samples.sort((a, b) => a - b);
  return samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
}

/** Records round trips keyed by request id (ids are small and sequential per peer). */
export class RoundTrips {
  // A ring of send times: with a bounded window in flight, ids never collide within it.
  readonly #sent = new Float64Array(1 << 16);
  samples: number[] = [];
  recording = false;

  sent(request: number): void {
    this.#sent[request & 0xffff] = performance.now();
  }

  answered(request: number): void {
    if (this.recording) this.samples.push((performance.now() - this.#sent[request & 0xffff]!) * 1000);
  }
}
