/**
 * A clock read at most once per turn of the event loop. Reading the system clock costs
 * 100–300 ns on some machines (twice per call, that is several percent of a routed call);
 * under load one turn handles many messages (a socket read carries several frames), and
 * they all share one reading. Call durations are thus measured from the start of the turn
 * in which the CALL arrived to that of the turn in which its answer arrived: plenty for a
 * histogram whose finest bucket is half a millisecond.
 */
let cached: number | undefined;

function forget(): void {
  cached = undefined;
}

/** `performance.now()`, as read first in the current turn. */
export function turnNow(): number {
  if (cached === undefined) {
    cached = performance.now();
    queueMicrotask(forget);
  }
  return cached;
}
