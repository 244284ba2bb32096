import { count, firstValueFrom, lastValueFrom, map, mergeMap, Observable, range } from 'rxjs';
import { WampClient } from '../../src/index.js';
import { routerUrl } from './support/karma-env.js';

/** Subscribes and resolves with the first value while staying subscribed (a registration must stay). */
function firstKeeping<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => source.subscribe({ next: resolve, error: reject }));
}

describe('WampClient call rate in the browser (issue 18)', () => {
  const clients: WampClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('makes 10,000 calls in Chromium and reports its rate', async () => {
    const callee = new WampClient({ url: routerUrl(), realm: 'realm1', reconnect: false });
    const caller = new WampClient({ url: routerUrl(), realm: 'realm1', reconnect: false });
    clients.push(callee, caller);
    const procedure = `com.browser.rate.${Date.now()}`;
    await firstKeeping(callee.register(procedure, ([n]) => (n as number) + 1));
    // The caller's session first, so that the clock measures calls, not the connection.
    await firstValueFrom(caller.call(procedure, [0]));
    const calls = 10_000;
    const started = performance.now();
    const correct = await lastValueFrom(
      range(0, calls).pipe(
        // 64 calls in flight, as the Node load generators of `npm run bench` keep.
        mergeMap((i) => caller.call(procedure, [i]).pipe(map((r) => r.args[0] === i + 1)), 64),
        count((ok) => ok),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`[rxwamp bench] WampClient in Chromium: ${calls} calls in ${seconds.toFixed(2)} s = ${Math.round(calls / seconds)} calls/s (JSON over WebSocket, 64 in flight, callee in the same page)`);
    expect(correct).toBe(calls);
  }, 120_000);
});
