/**
 * The router's counters: plain numbers that the hot path bumps and that `/metrics` and the
 * dashboard read when asked. Nothing here formats, allocates or calls a metrics library
 * while messages flow; turning them into Prometheus series happens at scrape time.
 */

import { turnNow } from './turn-clock.js';

/** How a call ended, as `rxwamp_calls_total{outcome}` labels it. */
export type CallOutcome = 'result' | 'error' | 'canceled' | 'timeout' | 'no_such_procedure' | 'callee_left' | 'caller_left';

/** Every call outcome, in the order the metrics list them. */
export const CALL_OUTCOMES: readonly CallOutcome[] = ['result', 'error', 'canceled', 'timeout', 'no_such_procedure', 'callee_left', 'caller_left'];

/** Upper bounds (seconds) of the call-duration histogram's buckets; `+Inf` follows. */
export const CALL_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Message codes are below 256 (WAMP uses 1..70): one slot per code. */
const CODE_SLOTS = 256;

/** Router-wide counters: messages by type, and the events that end or refuse sessions. */
export class RouterStats {
  /** Messages received from peers, indexed by message code. */
  readonly messagesIn = new Float64Array(CODE_SLOTS);
  /** Messages sent to peers, indexed by message code (each EVENT of a fanout counts once per receiver). */
  readonly messagesOut = new Float64Array(CODE_SLOTS);
  /** HELLOs or AUTHENTICATEs refused by the realm's authentication. */
  authFailures = 0;
  /** Sessions dropped because they did not read what they were sent. */
  slowConsumerDisconnects = 0;
  /** Limit hits by the limit's URI (rare: a Map is fine here). */
  readonly limitHits = new Map<string, number>();

  /** Counts one hit of the limit named by `uri`. */
  limitHit(uri: string): void {
    this.limitHits.set(uri, (this.limitHits.get(uri) ?? 0) + 1);
  }
}

/** One realm's counters: publications, deliveries, calls and their durations. */
export class RealmStats {
  /** PUBLISH messages the broker accepted. */
  published = 0;
  /** EVENT messages handed to subscribers (meta events included). */
  delivered = 0;
  /** Calls that reached the dealer, by outcome. */
  readonly calls: Record<CallOutcome, number> = { result: 0, error: 0, canceled: 0, timeout: 0, no_such_procedure: 0, callee_left: 0, caller_left: 0 };
  /** Call durations per bucket, not cumulative (the last slot is `+Inf`); cumulated at scrape time. */
  readonly callDurationBuckets = new Float64Array(CALL_DURATION_BUCKETS.length + 1);
  /** Sum of the observed call durations, in seconds. */
  callDurationSum = 0;
  /** Number of observed call durations. */
  callDurationCount = 0;

  /** A call ended: counts its outcome and, when it was routed to a callee, its duration. */
  callEnded(outcome: CallOutcome, startedMs: number | undefined): void {
    this.calls[outcome]++;
    if (startedMs === undefined) return;
    const seconds = (turnNow() - startedMs) / 1000;
    let i = 0;
    while (i < CALL_DURATION_BUCKETS.length && seconds > (CALL_DURATION_BUCKETS[i] as number)) i++;
    this.callDurationBuckets[i]++;
    this.callDurationSum += seconds;
    this.callDurationCount++;
  }

  /** All calls that ended, whatever the outcome. */
  get callsTotal(): number {
    let n = 0;
    for (const outcome of CALL_OUTCOMES) n += this.calls[outcome];
    return n;
  }
}
