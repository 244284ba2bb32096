import { filter, firstValueFrom, lastValueFrom, Observable, of, take, toArray } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import { WampError } from '../../src/protocol/errors.js';
import { Router } from '../../src/router/index.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { TestRealm } from '../../src/testing/test-realm.js';
import { connectClient, firstKeeping } from '../support/router-clients.js';

describe('WampClient against the rxwamp Router', () => {
  let router: Router;
  let clients: WampClient[];
  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await router.close();
  });
  const make = (protocol?: string, options?: Partial<WampClientOptions>): WampClient => {
    const c = connectClient(router, options, protocol).client;
    clients.push(c);
    return c;
  };

  for (const protocol of ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor']) {
    it(`calls a registered procedure (${serializerFor(protocol)!.id})`, async () => {
      const callee = make(protocol);
      const caller = make(protocol);
      await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
      const result = await lastValueFrom(caller.call('com.example.add', [2, 3]));
      expect(result.args).toEqual([5]);
      expect(result.progress).toBeFalse();
    });
  }

  it('streams progressive results from an Observable handler', async () => {
    const callee = make();
    const caller = make('wamp.2.msgpack');
    await firstKeeping(callee.register('com.example.count', () => of(1, 2, 3)));
    const results = await lastValueFrom(caller.call('com.example.count', [], {}, { receive_progress: true }).pipe(toArray()));
    expect(results.map((r) => [r.args[0], r.progress])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('streams Observable call arguments as progressive call invocations to the callee', async () => {
    const callee = make();
    const caller = make('wamp.2.msgpack');
    await firstKeeping(
      callee.register('com.example.sum', (args, _kwargs, details) => {
        // The first chunk arrives as the invocation's own args; the rest on chunks$.
        const rest = details.chunks$;
        if (rest === undefined) return args[0];
        return new Promise<number>((resolve) => {
          let total = args[0] as number;
          rest.subscribe({ next: (chunk) => (total += chunk.args[0] as number), complete: () => resolve(total) });
        });
      }),
    );
    const result = await lastValueFrom(caller.call('com.example.sum', of([1], [2], [3], [4])));
    expect(result.args).toEqual([10]);
  });

  it('stops streaming call arguments once the call has failed (a synchronous source, a callee that refuses the first chunk)', async () => {
    const realm = new TestRealm();
    const callee = realm.client();
    const caller = realm.client();
    const invoked: unknown[][] = [];
    await firstKeeping(
      callee.register('com.example.refuse', (args) => {
        invoked.push(args);
        throw new WampError('com.example.refused');
      }),
    );
    const failure = await lastValueFrom(caller.call('com.example.refuse', of([1], [2], [3]))).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure instanceof WampError && failure.uri).toBe('com.example.refused');
    // The chunks after the refusal are not sent: no second invocation is started with them.
    expect(invoked).toEqual([[1]]);
    await Promise.all([callee.close(), caller.close()]);
    await realm.close();
  });

  it('delivers events to a subscriber and acknowledges publications', async () => {
    const subscriber = make();
    const publisher = make('wamp.2.cbor');
    const events = subscriber.subscribe('com.example.topic').pipe(take(2), toArray());
    const received = lastValueFrom(events);
    // A call answered on the same session means the router has handled its SUBSCRIBE.
    await lastValueFrom(subscriber.call('wamp.session.count'));
    const ack = await lastValueFrom(publisher.publish('com.example.topic', [1], {}, { acknowledge: true }));
    await lastValueFrom(publisher.publish('com.example.topic', [2], { k: 'v' }), { defaultValue: undefined });
    expect(ack.id).toEqual(jasmine.any(Number));
    const got = await received;
    expect(got.map((e) => e.args[0])).toEqual([1, 2]);
    expect(got[1]!.kwargs).toEqual({ k: 'v' });
    expect(got[0]!.topic).toBe('com.example.topic');
  });

  it('surfaces an application error from the callee as a WampError', async () => {
    const callee = make();
    const caller = make();
    await firstKeeping(callee.register('com.example.fail', () => {
      throw new WampError('com.example.error.bad_input', ['nope'], { field: 'x' });
    }));
    const error = await lastValueFrom(caller.call('com.example.fail')).catch((e: unknown) => e);
    expect((error as WampError).uri).toBe('com.example.error.bad_input');
    expect((error as WampError).args).toEqual(['nope']);
    expect((error as WampError).kwargs).toEqual({ field: 'x' });
  });

  it('reports a call to an unknown procedure as no_such_procedure', async () => {
    const error = await lastValueFrom(make().call('com.example.missing')).catch((e: unknown) => e);
    expect((error as WampError).uri).toBe('wamp.error.no_such_procedure');
  });

  it('cancels a call by unsubscribing: the callee handler is unsubscribed', async () => {
    const callee = make();
    const caller = make();
    let handlerUnsubscribed!: () => void;
    const unsubscribed = new Promise<void>((resolve) => (handlerUnsubscribed = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    await firstKeeping(
      callee.register('com.example.forever', () => {
        started();
        return new Observable<number>(() => handlerUnsubscribed);
      }),
    );
    const call = caller.call('com.example.forever', [], {}, { cancelMode: 'killnowait' }).subscribe();
    await running;
    call.unsubscribe();
    await unsubscribed;
    // Only the registration itself is left: the interrupted invocation is gone.
    expect(callee.internalSize()).toBe(1);
  });

  it('ends with every client map empty after a burst of calls and subscriptions', async () => {
    const callee = make();
    const caller = make();
    await firstKeeping(callee.register('com.example.echo', (args) => args[0]));
    const all = [];
    for (let i = 0; i < 200; i++) all.push(lastValueFrom(caller.call('com.example.echo', [i])));
    const results = await Promise.all(all);
    expect(results.map((r) => r.args[0])).toEqual([...Array(200).keys()]);
    const sub = caller.subscribe('com.example.t').subscribe();
    await firstValueFrom(caller.session$.pipe(filter((s) => s.internalSize() > 0)));
    sub.unsubscribe();
    // The UNSUBSCRIBE is answered before this later call is.
    await lastValueFrom(caller.call('wamp.session.count'));
    expect(caller.internalSize()).toBe(0);
  });
});
