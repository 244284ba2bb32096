import type { Subscription } from 'rxjs';
import { Router } from '../../src/router/router.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import type { Transport } from '../../src/transport/transport.js';
import { collector } from '../support/collect-garbage.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';

/** A minimal WAMP peer over loopback speaking JSON text, counting what it gets. */
class ChurnPeer {
  readonly routerEnd: Transport;
  readonly #send: (frame: string) => void;
  readonly #close: () => void;
  readonly #connection: Subscription;
  readonly invocations: number[] = [];
  sessionId = 0;
  subscribed = 0;
  registered = 0;
  results = 0;
  events = 0;
  closed = false;

  constructor(router: Router) {
    const [routerEnd, peerEnd] = loopbackPair('wamp.2.json');
    this.routerEnd = routerEnd;
    router.attach(routerEnd);
    this.#send = (frame) => peerEnd.outgoing.next(frame);
    this.#close = () => peerEnd.outgoing.complete();
    this.#connection = peerEnd.incoming$.subscribe({
      next: (frame) => this.#receive(JSON.parse(frame as string) as unknown[]),
      complete: () => (this.closed = true),
      error: () => (this.closed = true),
    });
  }

  send(...message: unknown[]): void {
    this.#send(JSON.stringify(message));
  }

  cut(): void {
    this.#close();
    this.#connection.unsubscribe();
  }

  #receive(m: unknown[]): void {
    switch (m[0]) {
      case 2:
        this.sessionId = m[1] as number;
        return;
      case 33:
        this.subscribed++;
        return;
      case 65:
        this.registered++;
        return;
      case 68:
        this.invocations.push(m[1] as number);
        return;
      case 50:
        this.results++;
        return;
      case 36:
        this.events++;
        return;
    }
  }
}

/** Notes objects whose collection the spec awaits. */
interface Tracker {
  track(transport: Transport): void;
}

/**
 * One wave of `n` sessions: each joins, subscribes twice, registers a procedure and calls
 * its neighbour's; half the callees answer, so the other half leave calls pending. Then
 * every even session says GOODBYE and every odd one cuts its transport.
 */
function wave(router: Router, n: number, refs: Tracker): { joined: number; results: number; events: number } {
  const peers: ChurnPeer[] = [];
  for (let i = 0; i < n; i++) {
    const peer = new ChurnPeer(router);
    refs.track(peer.routerEnd);
    peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
    peer.send(32, 1, {}, 'com.churn');
    peer.send(32, 2, { match: 'prefix' }, `com.churn.s${i}`);
    peer.send(64, 3, {}, `com.churn.p${i}`);
    peers.push(peer);
  }
  for (let i = 0; i < n; i++) peers[i]!.send(48, 4, { receive_progress: true, timeout: 60_000 }, `com.churn.p${(i + 1) % n}`, [i]);
  for (let i = 0; i < n; i += 2) for (const invocation of peers[i]!.invocations) peers[i]!.send(70, invocation, {}, ['ok']);
  peers[0]!.send(16, 5, {}, 'com.churn', ['hello']);
  const joined = peers.filter((p) => p.sessionId !== 0 && p.subscribed === 2 && p.registered === 1).length;
  const results = peers.reduce((sum, p) => sum + p.results, 0);
  const events = peers.reduce((sum, p) => sum + p.events, 0);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) peers[i]!.send(6, {}, 'wamp.close.close_realm');
    else peers[i]!.cut();
  }
  return { joined, results, events };
}

describe('Router under session churn', () => {
  it('forgets 5,000 sessions that joined, subscribed, registered, called and left (half GOODBYE, half cut), and its heap returns to where it was', async () => {
    const gc = collector();
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const realm = (): NonNullable<ReturnType<Router['realm']>> => router.realm('realm1')!;

    // Warm up (JIT, realm creation, id caches) before the baseline.
    for (let round = 0; round < 4; round++) wave(router, 100, { track() {} });
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const baseline = process.memoryUsage().heapUsed;

    // Finalization, not WeakRef: a WeakRef keeps its target alive until the job that made it ends.
    const collected = { count: 0, tracked: 0 };
    const registry = new FinalizationRegistry<undefined>(() => collected.count++);
    const refs: Tracker = {
      track(transport) {
        collected.tracked++;
        registry.register(transport, undefined);
      },
    };
    let joined = 0;
    let results = 0;
    let events = 0;
    let peak = 0;
    for (let round = 0; round < 50; round++) {
      const outcome = wave(router, 100, refs);
      joined += outcome.joined;
      results += outcome.results;
      events += outcome.events;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(collected.tracked).toBe(5000);
    expect(joined).toBe(5000);
    expect(results).toBe(2500);
    expect(events).toBe(50 * 99); // the publisher is excluded from its own event

    // Every map of the router is empty.
    expect(router.sessionCount).toBe(0);
    expect(realm().sessionCount).toBe(0);
    expect(realm().sessions.size).toBe(0);
    expect(realm().subscriptions.size).toBe(0);
    expect(realm().subscriptions.sessionCount).toBe(0);
    expect(realm().registrations.size).toBe(0);
    expect(realm().registrations.sessionCount).toBe(0);

    // Nothing in the router (the dealer's pending calls, the meta API, timers) still holds a session.
    for (let tries = 0; tries < 20 && collected.count < 5000; tries++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(collected.count).withContext('sessions collected after they left').toBe(5000);
    const after = process.memoryUsage().heapUsed;
    const growth = (after - baseline) / baseline;
    console.log(`churn: heap baseline ${(baseline / 1e6).toFixed(1)} MB, peak ${(peak / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB (${(growth * 100).toFixed(1)}%)`);
    expect(growth).toBeLessThan(0.1);
    await router.close();
  });
});
