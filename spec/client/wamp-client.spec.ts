import { catchError, map, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { WampClient } from '../../src/client/wamp-client.js';
import type { Dict } from '../../src/protocol/dict.js';
import { WampError } from '../../src/protocol/errors.js';
import type { CallResult, WampEvent } from '../../src/session/role-types.js';
import type { Transport } from '../../src/transport/transport.js';
import { scriptedConnection } from '../support/scripted-router.js';
import type { ScriptedRouter, Wire } from '../support/scripted-router.js';

/** A client whose every connection is a fresh scripted router (the routers are collected in order). */
function clientWithRouters(setup: (router: ScriptedRouter, index: number) => void = () => undefined, options: Dict = {}) {
  const routers: ScriptedRouter[] = [];
  const client = new WampClient({
    realm: 'realm1',
    reconnect: { initialDelayMs: 10, maxDelayMs: 100, factor: 2, jitter: 0 },
    ...options,
    transport: (): Observable<Transport> => {
      const { transport, router } = scriptedConnection();
      setup(router, routers.length);
      routers.push(router);
      return of(transport);
    },
  });
  return { client, routers };
}

const show = (r: CallResult): string => `${String(r.args[0])}${r.progress ? '…' : ''}`;

describe('WampClient flows (marbles)', () => {
  it(
    'call: three progressive results, then the final one, then complete',
    marbles((m) => {
      const { client } = clientWithRouters((router) =>
        router.on('CALL', (call, r) => {
          const request = call[1];
          m.cold('-a-b-c-(d|)').subscribe((v) => r.send(v === 'd' ? [50, request, {}, ['d']] : [50, request, { progress: true }, [v]]));
        }),
      );
      const results = client.call('com.example.stream', [], {}, { receive_progress: true }).pipe(map(show));
      m.expect(results).toBeObservable('-a-b-c-(d|)', { a: 'a…', b: 'b…', c: 'c…', d: 'd' });
    }),
  );

  it(
    'call canceled by unsubscribe: CANCEL goes out with the chosen mode, late answers are dropped',
    marbles((m) => {
      const { client, routers } = clientWithRouters((router) => {
        router.on('CALL', (call, r) => {
          m.cold('-a').subscribe(() => r.send([50, call[1], { progress: true }, ['a']]));
        });
        router.on('CANCEL', (cancel, r) => {
          r.received[r.received.length - 1] = [...cancel, m.scheduler.now()];
          return [[8, 48, cancel[1], {}, 'wamp.error.canceled']];
        });
      });
      const results = client.call('com.example.slow', [], {}, { receive_progress: true, cancelMode: 'kill' }).pipe(map(show));
      m.expect(results, '^--!').toBeObservable('-a-', { a: 'a…' });
      m.flush();
      const call = routers[0]!.receivedNamed('CALL')[0]!;
      expect(routers[0]!.receivedNamed('CANCEL')).toEqual([[49, call[1], { mode: 'kill' }, 3]]);
      expect(routers[0]!.receivedNamed('ABORT')).toEqual([]);
      expect(client.internalSize()).toBe(0);
    }),
  );

  it(
    'subscribe: one WAMP subscription shared by two Rx subscribers, UNSUBSCRIBE after the second leaves',
    marbles((m) => {
      const unsubscribedAt: number[] = [];
      const { client, routers } = clientWithRouters((router) => {
        router.on('SUBSCRIBE', (sub, r) => {
          const id = r.nextId();
          m.cold('-a-b-c-d-e').subscribe((v) => r.send([36, id, r.nextId(), {}, [v]]));
          return [[33, sub[1], id]];
        });
        router.on('UNSUBSCRIBE', (unsub) => {
          unsubscribedAt.push(m.scheduler.now());
          return [[35, unsub[1]]];
        });
      });
      const events = client.subscribe('com.example.topic').pipe(map((e: WampEvent) => e.args[0]));
      m.expect(events, '^----!').toBeObservable('-a-b-');
      m.expect(events, '--^------!').toBeObservable('---b-c-d-');
      m.flush();
      expect(routers[0]!.receivedNamed('SUBSCRIBE')).toEqual([[32, 1, {}, 'com.example.topic']]);
      expect(routers[0]!.receivedNamed('UNSUBSCRIBE').length).toBe(1);
      expect(unsubscribedAt).toEqual([9]);
      expect(client.internalSize()).toBe(0);
    }),
  );

  it(
    'register: an Observable handler streams progressive YIELDs and is unsubscribed by INTERRUPT',
    marbles((m) => {
      const handler$ = m.cold('-a-b-c-d-e|');
      const { client, routers } = clientWithRouters((router) => {
        router.on('REGISTER', (reg, r) => {
          m.cold('--i---x').subscribe((v) =>
            r.send(v === 'i' ? [68, 1, 100, { receive_progress: true }, [1]] : [69, 1, { mode: 'kill' }]),
          );
          return [[65, reg[1], 100]];
        });
      });
      m.expect(client.register('com.example.gen', () => handler$)).toBeObservable('r', { r: { id: 100, procedure: 'com.example.gen' } });
      m.expect(handler$).toHaveSubscriptions('--^---!');
      m.flush();
      const answers = routers[0]!.received.filter((w: Wire) => w[0] === 70 || w[0] === 8);
      // a at 3 is held until b at 5 (so the last value can go out final); INTERRUPT at 6 ends it.
      expect(answers).toEqual([
        [70, 1, { progress: true }, ['a']],
        [8, 68, 1, {}, 'wamp.error.canceled'],
      ]);
    }),
  );

  it(
    'reconnect: re-subscribes and re-registers on the new session; the Observables keep emitting',
    marbles((m) => {
      const { client, routers } = clientWithRouters((router, index) => {
        router.on('SUBSCRIBE', (sub, r) => {
          const id = r.nextId();
          m.cold(index === 0 ? '-a-b' : '-c-d').subscribe((v) => r.send([36, id, r.nextId(), {}, [v]]));
          if (index === 0) m.cold('-----x').subscribe(() => r.drop());
          return [[33, sub[1], id]];
        });
      });
      const events = client.subscribe('com.example.topic').pipe(map((e: WampEvent) => e.args[0]));
      const registrations = client.register('com.example.proc', () => 1).pipe(map((r) => r.id));
      const sessions = client.session$.pipe(map((s) => s.id));
      // Dropped at 5; the retry waits 10 frames: the second session is up at 15, its events follow.
      m.expect(events, '^-------------------!').toBeObservable('-a-b------------c-d-');
      m.expect(registrations, '^-------------------!').toBeObservable('r--------------s----', { r: 101, s: 101 });
      m.expect(sessions, '^-------------------!').toBeObservable('s--------------s----', { s: 1 });
      m.flush();
      expect(routers.length).toBe(2);
      for (const router of routers) {
        expect(router.receivedNamed('SUBSCRIBE').length).toBe(1);
        expect(router.receivedNamed('REGISTER').length).toBe(1);
      }
    }),
  );

  it(
    'calls in flight when the connection drops error with network_failure',
    marbles((m) => {
      const { client } = clientWithRouters((router) => {
        router.on('CALL', (_c, r) => {
          m.cold('--x').subscribe(() => r.drop());
        });
      });
      const results = client.call('com.example.p').pipe(map(show), catchError((e: WampError) => of(e.uri)));
      m.expect(results).toBeObservable('--(e|)', { e: 'wamp.error.network_failure' });
    }),
  );
});

describe('WampClient', () => {
  it('turns an ERROR into a WampError with URI, args and kwargs', async () => {
    const { client } = clientWithRouters((router) => router.on('CALL', (c) => [[8, 48, c[1], {}, 'com.app.error.bad', ['x'], { k: 1 }]]));
    const error = await new Promise<unknown>((resolve) => client.call('p').subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(WampError);
    expect((error as WampError).uri).toBe('com.app.error.bad');
    expect((error as WampError).args).toEqual(['x']);
    expect((error as WampError).kwargs).toEqual({ k: 1 });
  });

  it('publishes: completes at once without acknowledge; emits the publication id with it', async () => {
    const { client, routers } = clientWithRouters();
    const plain: unknown[] = [];
    await new Promise<void>((resolve) => client.publish('t', [1], { a: 1 }).subscribe({ next: (p) => plain.push(p), complete: resolve }));
    const acked: unknown[] = [];
    await new Promise<void>((resolve) => client.publish('t', [], {}, { acknowledge: true, exclude_me: false }).subscribe({ next: (p) => acked.push(p), complete: resolve }));
    expect(plain).toEqual([]);
    expect(acked).toEqual([{ id: jasmine.any(Number) }]);
    expect(routers[0]!.receivedNamed('PUBLISH')).toEqual([
      [16, 1, {}, 't', [1], { a: 1 }],
      [16, 2, { acknowledge: true, exclude_me: false }, 't'],
    ]);
  });

  it('answers INVOCATION with the handler value, a Promise, a WampError and a plain error', async () => {
    const { WampResult } = await import('../../src/session/role-types.js');
    const { client, routers } = clientWithRouters();
    const handlers: Array<(args: unknown[]) => unknown> = [
      (args) => (args[0] as number) + 1,
      async () => new WampResult([1, 2], { k: 3 }),
      () => {
        throw new WampError('com.app.error.nope', ['why'], { k: 1 });
      },
      () => {
        throw new Error('secret internals');
      },
    ];
    handlers.forEach((h, i) => client.register(`p${i}`, h).subscribe());
    const router = routers[0]!;
    const ids = router.received.filter((w) => w[0] === 65 || w[0] === 64).length;
    expect(ids).toBe(4);
    for (let i = 0; i < 4; i++) router.send([68, i + 1, 100 + i, {}, [41]]);
    const answered = (): Wire[] => router.received.filter((w) => w[0] === 70 || w[0] === 8);
    await router.until(() => answered().length === 4);
    const answers = answered();
    expect(answers).toContain([70, 1, {}, [42]]);
    expect(answers).toContain([70, 2, {}, [1, 2], { k: 3 }]);
    expect(answers).toContain([8, 68, 3, {}, 'com.app.error.nope', ['why'], { k: 1 }]);
    expect(answers).toContain([8, 68, 4, {}, 'wamp.error.runtime_error', ['secret internals']]);
    expect(JSON.stringify(answers)).not.toContain('at ');
  });

  it('errors a subscription refused by the router and completes a revoked one', () => {
    const { client, routers } = clientWithRouters((router) =>
      router.on('SUBSCRIBE', (s, r) => (s[3] === 'denied' ? [[8, 32, s[1], {}, 'wamp.error.not_authorized']] : [[33, s[1], r.nextId()]])),
    );
    let refused: unknown;
    let revoked = false;
    client.subscribe('denied').subscribe({ error: (e: unknown) => (refused = e) });
    client.subscribe('ok').subscribe({ complete: () => (revoked = true) });
    routers[0]!.send([35, 0, { subscription: 100, reason: 'wamp.error.subscription_revoked' }]);
    expect((refused as WampError).uri).toBe('wamp.error.not_authorized');
    expect(revoked).toBeTrue();
    expect(client.internalSize()).toBe(0);
  });

  it('close() says GOODBYE and completes session$, subscriptions and registrations', async () => {
    const { client, routers } = clientWithRouters();
    const done: string[] = [];
    client.session$.subscribe({ complete: () => done.push('session$') });
    client.subscribe('t').subscribe({ complete: () => done.push('subscribe') });
    client.register('p', () => 1).subscribe({ complete: () => done.push('register') });
    await client.close();
    expect(done.sort()).toEqual(['register', 'session$', 'subscribe']);
    expect(routers[0]!.receivedNamed('GOODBYE')).toEqual([[6, {}, 'wamp.close.normal']]);
    expect(routers.length).toBe(1);
    const error = await new Promise<unknown>((resolve) => client.call('p').subscribe({ error: resolve }));
    expect((error as WampError).uri).toBe('wamp.error.unavailable');
  });

  it('does not retry an ABORT at join (e.g. no such realm): session$ errors with it', () => {
    const { client, routers } = clientWithRouters((router) => router.on('HELLO', () => [[3, {}, 'wamp.error.no_such_realm']]));
    let error: unknown;
    client.session$.subscribe({ error: (e: unknown) => (error = e) });
    expect((error as WampError).uri).toBe('wamp.error.no_such_realm');
    expect(routers.length).toBe(1);
  });

  it('gives up after maxRetries failed connections', marbles((m) => {
    let attempts = 0;
    const client = new WampClient({
      realm: 'r',
      reconnect: { initialDelayMs: 1, factor: 2, maxRetries: 3, jitter: 0 },
      transport: () => {
        attempts++;
        return m.cold('#', {}, new Error('refused'));
      },
    });
    // Attempts at 0, 1, 3 and 7 (delays 1, 2, 4): the fourth failure gives up.
    m.expect(client.session$.pipe(map(String), catchError((e: WampError) => of(e.uri)))).toBeObservable('-------(e|)', { e: 'wamp.error.network_failure' });
    m.flush();
    expect(attempts).toBe(4);
    // A client that gave up has no session, and says so without throwing.
    expect(client.session).toBeUndefined();
    expect(client.internalSize()).toBe(0);
  }));
});
