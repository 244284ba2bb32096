import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import { autobahn, openAutobahn } from '../support/autobahn-peer.js';
import type { AutobahnSession, AutobahnTarget } from '../support/autobahn-peer.js';

/** Resolves with the first value a callback registration sees. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('interop: autobahn (npm) against a listen()ed rxwamp router', () => {
  let router: Router;
  let server: RouterServer;
  let wsUrl: string;
  let rsPort: number;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
    wsUrl = server.urls.find((u) => u.startsWith('ws://'))!;
    rsPort = Number(new URL(server.urls.find((u) => u.startsWith('rs://'))!.replace('rs://', 'http://')).port);
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  afterAll(async () => {
    await router.close();
    await server.close();
  });

  const targets: Array<[string, () => AutobahnTarget]> = [
    ['WebSocket JSON', () => ({ kind: 'websocket', url: wsUrl, serializer: 'json' })],
    ['WebSocket MessagePack', () => ({ kind: 'websocket', url: wsUrl, serializer: 'msgpack' })],
    ['WebSocket CBOR', () => ({ kind: 'websocket', url: wsUrl, serializer: 'cbor' })],
    ['RawSocket TCP JSON', () => ({ kind: 'rawsocket', host: '127.0.0.1', port: rsPort })],
  ];

  for (const [name, target] of targets) {
    describe(name, () => {
      async function session(): Promise<AutobahnSession> {
        const opened = await openAutobahn(target());
        closers.push(opened.close);
        return opened.session;
      }

      it('calls with args and kwargs', async () => {
        const callee = await session();
        const caller = await session();
        await callee.register('com.example.add', (args, kwargs) => new autobahn.Result([args[0] + args[1]], { sum: args[0] + args[1], echo: kwargs }));
        const result = await caller.call('com.example.add', [2, 3], { x: 'y' });
        expect(result.args).toEqual([5]);
        expect(result.kwargs).toEqual({ sum: 5, echo: { x: 'y' } });
        expect(await caller.call('com.example.add', [40, 2]).then((r: any) => r.args?.[0] ?? r)).toBe(42);
      });

      it('carries application errors with custom URIs, args and kwargs end to end', async () => {
        const callee = await session();
        const caller = await session();
        await callee.register('com.example.fail', () => {
          throw new autobahn.Error('com.example.error.invalid_input', ['bad input'], { field: 'x' });
        });
        const error = await caller.call('com.example.fail').then(
          () => undefined,
          (e: any) => e,
        );
        expect(error.error).toBe('com.example.error.invalid_input');
        expect(error.args).toEqual(['bad input']);
        expect(error.kwargs).toEqual({ field: 'x' });
        const missing = await caller.call('com.example.nothing').catch((e: any) => e);
        expect(missing.error).toBe('wamp.error.no_such_procedure');
      });

      it('streams progressive results', async () => {
        const callee = await session();
        const caller = await session();
        await callee.register('com.example.count', (args, _kwargs, details) => {
          for (let i = 1; i < args[0]; i++) details.progress([i]);
          return args[0];
        });
        const seen: unknown[] = [];
        // Autobahn reports progressive results through when.js progress handlers.
        const promise = caller.call('com.example.count', [4], {}, { receive_progress: true });
        (promise as any).then(undefined, undefined, (progress: unknown) => seen.push(progress));
        expect(await promise).toBe(4);
        expect(seen).toEqual([1, 2, 3]);
      });

      it('cancels a call (kill falls back to skip for autobahn callees)', async () => {
        const callee = await session();
        const caller = await session();
        const invoked = deferred<void>();
        await callee.register('com.example.slow', () => {
          invoked.resolve();
          return new Promise(() => undefined);
        });
        const call = caller.call('com.example.slow');
        await invoked.promise;
        call.cancel({ mode: 'kill' });
        const error = await call.then(
          () => undefined,
          (e: any) => e,
        );
        expect(error.error).toBe('wamp.error.canceled');
      });

      it('publishes with acknowledge, excludes the publisher, and matches patterns', async () => {
        const subscriber = await session();
        const publisher = await session();
        const exact = deferred<unknown[]>();
        const prefix = deferred<{ args: unknown[]; topic: string }>();
        const wildcard = deferred<string>();
        const own: unknown[] = [];
        await subscriber.subscribe('com.example.topic', (args) => exact.resolve(args));
        await subscriber.subscribe('com.example', (args, _kw, details) => prefix.resolve({ args, topic: details.topic }), { match: 'prefix' });
        await subscriber.subscribe('com..topic', (_args, _kw, details) => wildcard.resolve(details.topic), { match: 'wildcard' });
        const ownEvent = deferred<void>();
        await publisher.subscribe('com.example.topic', (args) => {
          own.push(args);
          ownEvent.resolve();
        });
        const publication = await publisher.publish('com.example.topic', [1, 'two'], { three: 3 }, { acknowledge: true });
        expect(publication.id).toBeGreaterThan(0);
        expect(await exact.promise).toEqual([1, 'two']);
        expect(await prefix.promise).toEqual({ args: [1, 'two'], topic: 'com.example.topic' });
        expect(await wildcard.promise).toBe('com.example.topic');
        // A second acknowledged publication, with exclude_me false, reaches the publisher too.
        await publisher.publish('com.example.topic', [2], {}, { acknowledge: true, exclude_me: false });
        // The first publication (exclude_me by default) would have reached it before this one.
        await ownEvent.promise;
        expect(own).toEqual([[2]]);
      });

      it('shares a registration round-robin between two callees', async () => {
        const first = await session();
        const second = await session();
        const caller = await session();
        await first.register('com.example.shared', () => 'first', { invoke: 'roundrobin' });
        await second.register('com.example.shared', () => 'second', { invoke: 'roundrobin' });
        const answers = [];
        for (let i = 0; i < 4; i++) answers.push(await caller.call('com.example.shared'));
        expect(answers).toEqual(['first', 'second', 'first', 'second']);
        const refused = await caller.register('com.example.shared', () => 'x', { invoke: 'random' }).catch((e: any) => e);
        expect(refused.error).toBe('wamp.error.procedure_already_exists');
      });
    });
  }
});
