import { interval, Observable } from 'rxjs';
import type { Router } from '../../router/router.js';

/** One sample of the dashboard's rates topic: per-second rates over the last interval. */
export interface RatesSample {
  /** When the sample was taken (ms since the epoch). */
  readonly time: number;
  /** WAMP messages received and sent per second, router-wide. */
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Calls that ended per second in the realm. */
  readonly calls: number;
  /** PUBLISHes accepted and EVENTs delivered per second in the realm. */
  readonly published: number;
  readonly delivered: number;
  /** Established sessions in the realm now. */
  readonly sessions: number;
}

/** The running totals a sample is the difference of. */
type Totals = Omit<RatesSample, 'sessions'>;

function sum(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) n += values[i]!;
  return n;
}

function totals(router: Router, realmName: string): Totals {
  const stats = router.stats;
  const realm = router.realm(realmName)?.stats;
  return {
    time: performance.now(),
    messagesIn: stats === undefined ? 0 : sum(stats.messagesIn),
    messagesOut: stats === undefined ? 0 : sum(stats.messagesOut),
    calls: realm?.callsTotal ?? 0,
    published: realm?.published ?? 0,
    delivered: realm?.delivered ?? 0,
  };
}

/**
 * Rates of one realm (and of the router's messages), one sample every `intervalMs`: the
 * differences of the router's counters, read on a timer (cold; stops when unsubscribed).
 */
export function ratesOf(router: Router, realmName: string, intervalMs: number): Observable<RatesSample> {
  return new Observable<RatesSample>((subscriber) => {
    let previous = totals(router, realmName);
    return interval(intervalMs).subscribe(() => {
      const now = totals(router, realmName);
      const seconds = Math.max((now.time - previous.time) / 1000, 1e-3);
      const before = previous;
      previous = now;
      const rate = (key: keyof Omit<Totals, 'time'>): number => Math.max(0, now[key] - before[key]) / seconds;
      subscriber.next({
        time: Date.now(),
        messagesIn: rate('messagesIn'),
        messagesOut: rate('messagesOut'),
        calls: rate('calls'),
        published: rate('published'),
        delivered: rate('delivered'),
        sessions: router.realm(realmName)?.sessionCount ?? 0,
      });
    });
  });
}
