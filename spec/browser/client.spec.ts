import { filter, finalize, firstValueFrom, interval, lastValueFrom, map, Observable, of, take, toArray } from 'rxjs';
import type { SerializerName } from '../../src/index.js';
import { dropAllConnections, routerUrl } from './support/karma-env.js';
import { firstKeeping, pageClients } from './support/page-clients.js';

describe('WampClient in the browser, against the rxwamp router', () => {
  const { client, uniqueUri } = pageClients('com.browser');

  it('runs in a real browser, on the browser WebSocket', () => {
    expect(typeof window).toBe('object');
    expect(typeof WebSocket).toBe('function');
    expect(routerUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  });

  for (const serializer of ['json', 'msgpack', 'cbor'] as SerializerName[]) {
    it(`calls a procedure and round-trips binary and nested values (${serializer})`, async () => {
      const callee = client({ serializer });
      const caller = client({ serializer });
      const procedure = uniqueUri('echo');
      await firstKeeping(callee.register(procedure, (args, kwargs) => ({ args, kwargs })));
      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      const result = await lastValueFrom(caller.call(procedure, [bytes, 1.5, 'ü'], { nested: { list: [1, null, true] } }));
      const echoed = result.args[0] as { args: unknown[]; kwargs: unknown };
      expect(caller.session!.serializer.subprotocol).toBe(`wamp.2.${serializer}`);
      expect(echoed.args[0]).toEqual(bytes);
      expect(echoed.args.slice(1)).toEqual([1.5, 'ü']);
      expect(echoed.kwargs).toEqual({ nested: { list: [1, null, true] } });
    });
  }

  it('receives progressive results in order, then the final one', async () => {
    const callee = client({ serializer: 'cbor' });
    const caller = client({ serializer: 'msgpack' });
    const procedure = uniqueUri('count');
    await firstKeeping(callee.register(procedure, ([n]) => interval(1).pipe(take(n as number), map((i) => i + 1))));
    const results = await lastValueFrom(caller.call(procedure, [4], {}, { receive_progress: true }).pipe(toArray()));
    expect(results.map((r) => [r.args[0], r.progress])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
  });

  it('cancels a call when the caller unsubscribes: the callee handler is torn down', async () => {
    const callee = client();
    const caller = client();
    const procedure = uniqueUri('forever');
    let tornDown!: () => void;
    const handlerTornDown = new Promise<void>((resolve) => (tornDown = resolve));
    await firstKeeping(callee.register(procedure, () => interval(5).pipe(finalize(() => tornDown()))));
    const idle = callee.session!.internalSize();
    // take(2) unsubscribes from the call after two progressive results: that sends CANCEL.
    const seen = await lastValueFrom(caller.call(procedure, [], {}, { receive_progress: true }).pipe(take(2), toArray()));
    expect(seen.map((r) => r.args[0])).toEqual([0, 1]);
    await handlerTornDown;
    // The callee forgot the invocation: nothing of it stays behind.
    expect(callee.session!.internalSize()).toBe(idle);
  });

  it('delivers events between two sessions in the page, with every serializer mixed', async () => {
    const subscriber = client({ serializer: 'msgpack' });
    const publisher = client({ serializer: 'cbor' });
    const topic = uniqueUri('topic');
    const received = lastValueFrom(subscriber.subscribe(topic).pipe(take(3), toArray()));
    await firstValueFrom(subscriber.session$);
    // Subscribed once the router answers a round trip made after SUBSCRIBE went out.
    await lastValueFrom(subscriber.call('wamp.session.count'));
    for (const n of [1, 2, 3]) await lastValueFrom(publisher.publish(topic, [n], { from: 'browser' }, { acknowledge: true }));
    const events = await received;
    expect(events.map((e) => e.args[0])).toEqual([1, 2, 3]);
    expect(events[0]!.kwargs).toEqual({ from: 'browser' });
    expect(events[0]!.topic).toBe(topic);
  });

  it('does not receive its own publications unless exclude_me is false', async () => {
    const both = client();
    const topic = uniqueUri('self');
    const received = firstValueFrom(both.subscribe(topic));
    await lastValueFrom(both.call('wamp.session.count'));
    await lastValueFrom(both.publish(topic, ['not me'], {}, { acknowledge: true }));
    await lastValueFrom(both.publish(topic, ['me too'], {}, { acknowledge: true, exclude_me: false }));
    expect((await received).args).toEqual(['me too']);
  });

  it('reconnects after the router drops the connection, and its subscription lives on', async () => {
    const subscriber = client({ reconnect: { initialDelayMs: 10, maxDelayMs: 50, jitter: 0 } });
    const publisher = client({ reconnect: { initialDelayMs: 10, maxDelayMs: 50, jitter: 0 } });
    const topic = uniqueUri('survivor');
    const events: unknown[] = [];
    const sub = subscriber.subscribe(topic).subscribe((e) => events.push(e.args[0]));
    try {
      const first = await firstValueFrom(subscriber.session$);
      await lastValueFrom(subscriber.call('wamp.session.count'));
      await lastValueFrom(publisher.publish(topic, ['before'], {}, { acknowledge: true }));

      const secondSession = firstValueFrom(subscriber.session$.pipe(filter((s) => s.id !== first.id)));
      expect(await dropAllConnections()).toBeGreaterThanOrEqual(2);
      const second = await secondSession;
      expect(second.id).not.toBe(first.id);
      expect(second.state).toBe('established');

      // The publisher reconnects too; the subscription was re-established on the new session.
      await lastValueFrom(subscriber.call('wamp.session.count'));
      const after = firstValueFrom(subscriber.subscribe(topic));
      await lastValueFrom(publisher.publish(topic, ['after'], {}, { acknowledge: true }));
      expect((await after).args).toEqual(['after']);
      expect(events).toEqual(['before', 'after']);
    } finally {
      sub.unsubscribe();
    }
  });

  it('a call in flight when the connection drops errors instead of hanging', async () => {
    const callee = client({ reconnect: { initialDelayMs: 10, jitter: 0 } });
    const caller = client({ reconnect: { initialDelayMs: 10, jitter: 0 } });
    const procedure = uniqueUri('slow');
    let invoked!: () => void;
    const wasInvoked = new Promise<void>((resolve) => (invoked = resolve));
    await firstKeeping(
      callee.register(procedure, () => {
        invoked();
        return new Observable<never>(() => undefined);
      }),
    );
    const outcome = lastValueFrom(caller.call(procedure, [])).then(
      () => 'resolved',
      (err: unknown) => (err instanceof Error ? err.name : 'error'),
    );
    await wasInvoked;
    await dropAllConnections();
    expect(await outcome).toBe('WampError');
  });

  it('errors a call of an unknown procedure with wamp.error.no_such_procedure', async () => {
    const caller = client({ serializer: 'cbor' });
    await expectAsync(lastValueFrom(caller.call(uniqueUri('missing')))).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.no_such_procedure' }));
  });

  it('unsubscribing from a registration unregisters it', async () => {
    const callee = client();
    const caller = client();
    const procedure = uniqueUri('once');
    const registration = callee.register(procedure, () => of('here')).subscribe();
    await lastValueFrom(callee.call('wamp.session.count'));
    expect((await lastValueFrom(caller.call(procedure))).args).toEqual(['here']);
    registration.unsubscribe();
    await lastValueFrom(callee.call('wamp.session.count'));
    await expectAsync(lastValueFrom(caller.call(procedure))).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.no_such_procedure' }));
  });
});
