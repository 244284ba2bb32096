import { lastValueFrom, Observable, toArray } from 'rxjs';
import { Wampy } from 'wampy';
import WebSocket from 'ws';
import { WampClient } from '../../src/client/wamp-client.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { WampResult } from '../../src/session/role-types.js';
import { firstKeeping } from '../support/router-clients.js';
import { WAMPY_SERIALIZERS } from '../support/wampy-peer.js';

/** What Wampy hands an event callback. */
interface EventData {
  details: Record<string, unknown>;
  argsList?: unknown[];
  argsDict?: Record<string, unknown>;
}
/** What Wampy hands a registered procedure. */
type InvocationData = Parameters<Parameters<Wampy['register']>[1]>[0];
/** Wampy's options, for its `ws` class. */
type WampyOptions = NonNullable<ConstructorParameters<typeof Wampy>[1]>;

/** A promise and the callback that settles it, for Wampy's callback APIs. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with the first `count` events a Wampy callback sees, in order. */
function events(count: number): { seen: EventData[]; onEvent: (e: EventData) => void; done: Promise<EventData[]> } {
  const seen: EventData[] = [];
  const all = deferred<EventData[]>();
  return {
    seen,
    onEvent: (e) => {
      seen.push(e);
      if (seen.length === count) all.resolve(seen);
    },
    done: all.promise,
  };
}

describe('interop: Wampy.js 8 (npm) against a listen()ed rxwamp router over WebSocket', () => {
  let router: Router;
  let server: RouterServer;
  let url: string;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { host: '127.0.0.1', port: 0, path: '/ws' } });
    url = server.urls.find((u) => u.startsWith('ws://'))!;
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  afterAll(async () => {
    await router.close();
    await server.close();
  });

  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    describe(`over ${serializer}`, () => {
      /** A connected Wampy session (closed after the spec). */
      async function wampy(): Promise<Wampy> {
        const peer = new Wampy(url, {
          realm: 'realm1',
          ws: WebSocket as unknown as WampyOptions['ws'],
          serializer: WAMPY_SERIALIZERS[serializer](),
          autoReconnect: false,
        });
        await peer.connect();
        closers.push(() => peer.disconnect());
        return peer;
      }

      /** An rxwamp client on the same serialization (closed after the spec). */
      function rxwamp(): WampClient {
        const client = new WampClient({ url, realm: 'realm1', serializer, reconnect: false });
        closers.push(() => client.close());
        return client;
      }

      it('subscribes without options, with every option Wampy offers, and with custom options', async () => {
        const subscriber = await wampy();
        const publisher = await wampy();
        const plain = events(1);
        const exact = events(1);
        // Wampy sends { match, get_retained } with the keys it was not given as undefined: nil in MessagePack/CBOR.
        await subscriber.subscribe('com.example.plain', plain.onEvent);
        await subscriber.subscribe('com.example.exact', exact.onEvent, { match: 'exact', get_retained: false, _x_custom: 'kept' });
        await publisher.publish('com.example.plain', ['a'], { exclude_me: true, disclose_me: true });
        await publisher.publish('com.example.exact', { argsList: [1], argsDict: { k: 'v' } });
        const [first] = await plain.done;
        const [second] = await exact.done;
        expect(first!.argsList).toEqual(['a']);
        // msgpackr hands Wampy IDs above 2^32 as BigInt.
        expect(Number(first!.details['publisher'])).toBeGreaterThan(0);
        expect(second!.argsList).toEqual([1]);
        expect(second!.argsDict).toEqual({ k: 'v' });
      });

      it('subscribes by prefix and by wildcard', async () => {
        const subscriber = await wampy();
        const prefix = events(2);
        const wildcard = events(1);
        await subscriber.subscribe('com.feed', prefix.onEvent, { match: 'prefix' });
        await subscriber.subscribe('com..temperature', wildcard.onEvent, { match: 'wildcard' });
        const publisher = rxwamp();
        await lastValueFrom(publisher.publish('com.feed.a', [1], {}, { acknowledge: true }));
        await lastValueFrom(publisher.publish('com.kitchen.temperature', [21], {}, { acknowledge: true }));
        await lastValueFrom(publisher.publish('com.feed.b', [2], {}, { acknowledge: true }));
        const prefixed = await prefix.done;
        const [matched] = await wildcard.done;
        expect(prefixed.map((e) => [e.details['topic'], e.argsList])).toEqual([
          ['com.feed.a', [1]],
          ['com.feed.b', [2]],
        ]);
        expect(matched!.details['topic']).toBe('com.kitchen.temperature');
        expect(matched!.argsList).toEqual([21]);
      });

      it('receives retained events on get_retained subscriptions, exact and by prefix', async () => {
        // Wampy 8.0.2 checks publish's `retain` option but leaves it out of PUBLISH, so an rxwamp publisher retains.
        const publisher = rxwamp();
        await lastValueFrom(publisher.publish('com.example.state', ['on'], {}, { retain: true, acknowledge: true }));
        const subscriber = await wampy();
        const exact = events(1);
        const prefix = events(1);
        await subscriber.subscribe('com.example.state', exact.onEvent, { get_retained: true });
        await subscriber.subscribe('com.example', prefix.onEvent, { match: 'prefix', get_retained: true });
        const [event] = await exact.done;
        const [prefixed] = await prefix.done;
        expect(event!.argsList).toEqual(['on']);
        expect(event!.details['retained']).toBeTrue();
        expect(prefixed!.argsList).toEqual(['on']);
        expect(prefixed!.details['topic']).toBe('com.example.state');
      });

      it('relays progressive results from a Wampy callee to an rxwamp caller that asked for them', async () => {
        const callee = await wampy();
        await callee.register('com.example.count', ({ argsList, result_handler }: InvocationData) => {
          const n = argsList![0] as number;
          for (let i = 1; i < n; i++) result_handler({ argsList: [i], options: { progress: true } });
          return { argsList: [n] };
        });
        const caller = rxwamp();
        const results = await lastValueFrom(caller.call('com.example.count', [3], {}, { receive_progress: true }).pipe(toArray()));
        expect(results.map((r) => [r.args, r.progress])).toEqual([
          [[1], true],
          [[2], true],
          [[3], false],
        ]);
      });

      it('lets a Wampy caller call an rxwamp callee, plain and with progressive results', async () => {
        const callee = rxwamp();
        await firstKeeping(callee.register('com.example.add', (args, kwargs) => new WampResult([(args[0] as number) + (args[1] as number)], { echo: kwargs })));
        await firstKeeping(
          callee.register('com.example.ticks', (args) => new Observable<number>((s) => {
            for (let i = 1; i <= (args[0] as number); i++) s.next(i);
            s.complete();
          })),
        );
        const caller = await wampy();
        const sum = await caller.call('com.example.add', { argsList: [2, 3], argsDict: { x: 'y' } });
        expect(sum.argsList).toEqual([5]);
        expect(sum.argsDict).toEqual({ echo: { x: 'y' } });
        const progress: unknown[] = [];
        const ticks = await caller.call('com.example.ticks', [3], { progress_callback: (r: { argsList?: unknown[] }) => void progress.push(r.argsList) });
        expect(progress).toEqual([[1], [2]]);
        expect(ticks.argsList).toEqual([3]);
        const missing = await caller.call('com.example.nothing').catch((e: { errorUri?: string }) => e);
        expect((missing as { errorUri?: string }).errorUri).toBe('wamp.error.no_such_procedure');
      });
    });
  }
});
