import { lastValueFrom, of, toArray } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import type { Dict } from '../../src/protocol/dict.js';
import { WampError } from '../../src/protocol/errors.js';
import { firstKeeping } from '../support/router-clients.js';
import { scriptedConnection } from '../support/scripted-router.js';
import type { ScriptedRouter } from '../support/scripted-router.js';

/**
 * A router that numbers INVOCATIONs as Nexus (v3) does: one counter for the whole router,
 * so a session's first INVOCATION may be 25. Nexus itself (Go) cannot be built here; this
 * scripted router routes calls and events between the sessions of the spec's clients.
 */
class NexusStyleRouter {
  /** The router-wide INVOCATION counter (other sessions' calls came first). */
  invocations = 24;
  readonly sessions: ScriptedRouter[] = [];
  readonly #registrations = new Map<string, { session: ScriptedRouter; id: number }>();
  readonly #subscriptions = new Map<string, Array<{ session: ScriptedRouter; id: number }>>();
  /** INVOCATION id → the caller and its CALL request. */
  readonly #pending = new Map<number, { caller: ScriptedRouter; request: unknown; callee: ScriptedRouter }>();
  #ids = 1000;

  /** A WampClient on a fresh session of this router, with the given options. */
  client(options: Partial<WampClientOptions> = {}): WampClient {
    return new WampClient({
      realm: 'realm1',
      reconnect: false,
      ...options,
      transport: () => {
        const { transport, router } = scriptedConnection();
        this.#script(router);
        this.sessions.push(router);
        return of(transport);
      },
    });
  }

  #script(session: ScriptedRouter): void {
    session.sessionId = this.sessions.length + 1;
    session.on('REGISTER', (m) => {
      const id = this.#ids++;
      this.#registrations.set(m[3] as string, { session, id });
      return [[65, m[1], id]];
    });
    session.on('SUBSCRIBE', (m) => {
      const id = this.#ids++;
      const list = this.#subscriptions.get(m[3] as string) ?? [];
      list.push({ session, id });
      this.#subscriptions.set(m[3] as string, list);
      return [[33, m[1], id]];
    });
    session.on('PUBLISH', (m) => {
      const publication = this.#ids++;
      for (const { session: to, id } of this.#subscriptions.get(m[3] as string) ?? []) if (to !== session) to.send([36, id, publication, {}, ...m.slice(4)]);
      return (m[2] as Dict)['acknowledge'] === true ? [[17, m[1], publication]] : [];
    });
    session.on('CALL', (m) => {
      const registration = this.#registrations.get(m[3] as string);
      if (registration === undefined) return [[8, 48, m[1], {}, 'wamp.error.no_such_procedure']];
      const invocation = ++this.invocations;
      this.#pending.set(invocation, { caller: session, request: m[1], callee: registration.session });
      const details = (m[2] as Dict)['receive_progress'] === true ? { receive_progress: true } : {};
      registration.session.send([68, invocation, registration.id, details, ...m.slice(4)]);
    });
    session.on('YIELD', (m) => {
      const call = this.#pending.get(m[1] as number);
      if (call === undefined) return;
      const progress = (m[2] as Dict)['progress'] === true;
      if (!progress) this.#pending.delete(m[1] as number);
      call.caller.send([50, call.request, progress ? { progress: true } : {}, ...m.slice(3)]);
    });
    session.on('ABORT', () => {
      // A callee that leaves fails its callers' calls, as Nexus does ("callee gone").
      for (const [invocation, call] of this.#pending) {
        if (call.callee !== session) continue;
        this.#pending.delete(invocation);
        call.caller.send([8, 48, call.request, {}, 'wamp.error.canceled', ['callee gone']]);
      }
    });
  }
}

describe('WampClient against a router that numbers INVOCATIONs router-wide (as Nexus does)', () => {
  let router: NexusStyleRouter;
  const clients: WampClient[] = [];
  const client = (options: Partial<WampClientOptions> = {}): WampClient => {
    const c = router.client(options);
    clients.push(c);
    return c;
  };
  beforeEach(() => (router = new NexusStyleRouter()));
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('serves callers, callees, publishers and subscribers with default options; the callee answers INVOCATIONs 25, 26, 27', async () => {
    const callee = client();
    const other = client();
    await firstKeeping(callee.register('com.example.double', (args) => (args[0] as number) * 2));
    await firstKeeping(other.session$);
    const event = firstKeeping(other.subscribe('com.example.news'));
    await router.sessions[1]!.until(() => router.sessions[1]!.receivedNamed('SUBSCRIBE').length === 1);
    await lastValueFrom(callee.publish('com.example.news', ['hello'], {}, { acknowledge: true }));
    expect((await event).args).toEqual(['hello']);
    const results: unknown[] = [];
    for (const n of [1, 2, 3]) results.push((await lastValueFrom(other.call('com.example.double', [n]))).args[0]);
    expect(results).toEqual([2, 4, 6]);
    const invocations = router.sessions[0]!.received.filter((m) => m[0] === 70).map((m) => m[1]);
    expect(invocations).toEqual([25, 26, 27]);
    expect(callee.session!.state).toBe('established');
  });

  it('streams progressive results from a callee under router-wide ids', async () => {
    const callee = client();
    const caller = client();
    await firstKeeping(callee.register('com.example.count', () => of(1, 2, 3)));
    const results = await lastValueFrom(caller.call('com.example.count', [], {}, { receive_progress: true }).pipe(toArray()));
    expect(results.map((r) => [r.args[0], r.progress])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  for (const strict of [{ strict: true }, { checkRequestIds: true }] as const) {
    it(`with ${JSON.stringify(strict)} the callee refuses id 25 and its caller's call fails (what happened by default before)`, async () => {
      const callee = client(strict);
      const caller = client();
      await firstKeeping(callee.register('com.example.double', (args) => (args[0] as number) * 2));
      const error = await lastValueFrom(caller.call('com.example.double', [1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WampError);
      expect((error as WampError).uri).toBe('wamp.error.canceled');
      const abort = router.sessions[0]!.received.find((m) => m[0] === 3)!;
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect(String((abort[1] as Dict)['message'])).toContain('INVOCATION request 25 is out of sequence (expected 1)');
    });
  }
});
