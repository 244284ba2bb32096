import { CALL_DURATION_BUCKETS, CALL_OUTCOMES, RealmStats, RouterStats } from '../../src/router/router-stats.js';

/** What performance.now() answers in these specs: call starts are given relative to it. */
const NOW = 100_000;

/** Starts a fresh turn with the clock stopped at NOW, so turnNow() reads NOW. */
async function clockAtNow(): Promise<void> {
  // A reading cached by turn-clock.ts earlier in this turn is dropped in the next one.
  await Promise.resolve();
  spyOn(performance, 'now').and.returnValue(NOW);
}

describe('router stats', () => {
  it('list the call outcomes and duration buckets the metrics label', () => {
    expect(CALL_OUTCOMES).toEqual(['result', 'error', 'canceled', 'timeout', 'no_such_procedure', 'callee_left', 'caller_left']);
    expect(CALL_DURATION_BUCKETS).toEqual([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  });

  describe('RouterStats', () => {
    it('starts at zero, with a slot per message code in and out', () => {
      const stats = new RouterStats();
      expect(stats.messagesIn.length).toBe(256);
      expect(stats.messagesOut.length).toBe(256);
      expect(stats.messagesIn.every((n) => n === 0)).toBeTrue();
      expect(stats.messagesOut.every((n) => n === 0)).toBeTrue();
      expect(stats.authFailures).toBe(0);
      expect(stats.slowConsumerDisconnects).toBe(0);
      expect(stats.limitHits.size).toBe(0);
    });

    it('counts limit hits per limit URI', () => {
      const stats = new RouterStats();
      stats.limitHit('wamp.error.limit_exceeded.max_sessions');
      stats.limitHit('wamp.error.limit_exceeded.max_message_size');
      stats.limitHit('wamp.error.limit_exceeded.max_sessions');
      expect([...stats.limitHits]).toEqual([
        ['wamp.error.limit_exceeded.max_sessions', 2],
        ['wamp.error.limit_exceeded.max_message_size', 1],
      ]);
    });
  });

  describe('RealmStats', () => {
    it('starts at zero, with a duration slot per bucket plus +Inf', () => {
      const stats = new RealmStats();
      expect(stats.published).toBe(0);
      expect(stats.delivered).toBe(0);
      expect(stats.calls).toEqual({ result: 0, error: 0, canceled: 0, timeout: 0, no_such_procedure: 0, callee_left: 0, caller_left: 0 });
      expect(stats.callsTotal).toBe(0);
      expect([...stats.callDurationBuckets]).toEqual(new Array<number>(15).fill(0));
      expect(stats.callDurationSum).toBe(0);
      expect(stats.callDurationCount).toBe(0);
    });

    it('counts every outcome, and their total', () => {
      const stats = new RealmStats();
      CALL_OUTCOMES.forEach((outcome, i) => {
        for (let n = 0; n <= i; n++) stats.callEnded(outcome, undefined);
      });
      expect(stats.calls).toEqual({ result: 1, error: 2, canceled: 3, timeout: 4, no_such_procedure: 5, callee_left: 6, caller_left: 7 });
      expect(stats.callsTotal).toBe(28);
    });

    it('observes no duration for a call that never reached a callee', async () => {
      await clockAtNow();
      const stats = new RealmStats();
      stats.callEnded('no_such_procedure', undefined);
      expect(stats.callDurationCount).toBe(0);
      expect(stats.callDurationSum).toBe(0);
      expect(stats.callDurationBuckets.every((n) => n === 0)).toBeTrue();
    });

    it('puts a duration in the first bucket whose upper bound it does not exceed, beyond 10 s in +Inf', async () => {
      await clockAtNow();
      const stats = new RealmStats();
      const bucketOf = (ms: number): number => {
        const before = [...stats.callDurationBuckets];
        stats.callEnded('result', NOW - ms);
        return stats.callDurationBuckets.findIndex((n, i) => n !== before[i]);
      };
      expect(bucketOf(0)).toBe(0);
      expect(bucketOf(0.5)).toBe(0); // exactly the 0.5 ms bound: still that bucket
      expect(bucketOf(0.75)).toBe(1);
      expect(bucketOf(1)).toBe(1);
      expect(bucketOf(3)).toBe(3);
      expect(bucketOf(700)).toBe(10);
      expect(bucketOf(10_000)).toBe(13);
      expect(bucketOf(10_001)).toBe(14);
      expect(bucketOf(60_000)).toBe(14);
      expect([...stats.callDurationBuckets]).toEqual([2, 2, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2]);
      expect(stats.callDurationCount).toBe(9);
      expect(stats.callDurationSum).toBeCloseTo((0 + 0.5 + 0.75 + 1 + 3 + 700 + 10_000 + 10_001 + 60_000) / 1000, 9);
      expect(stats.calls.result).toBe(9);
    });
  });
});
