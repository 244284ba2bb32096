import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { WampError } from '../../src/protocol/errors.js';
import { WampResult } from '../../src/session/role-types.js';
import type { WampEvent } from '../../src/session/role-types.js';
import { Router } from '../../src/router/router.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';

describe('WampClient against a listen()ed router, over every transport', () => {
  let router: Router;
  let server: RouterServer;
  let dir: string;
  let clients: WampClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rxwamp-flows-'));
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { port: 0 }, rawsocket: { port: 0 }, unix: { path: join(dir, 'router.sock') } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await router.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (scheme: string): string => server.urls.find((u) => u.startsWith(scheme))!;
  const transports: Array<[string, string, SerializerName]> = [
    ['WebSocket JSON', 'ws:', 'json'],
    ['WebSocket MessagePack', 'ws:', 'msgpack'],
    ['WebSocket CBOR', 'ws:', 'cbor'],
    ['RawSocket TCP JSON', 'rs:', 'json'],
    ['RawSocket TCP MessagePack', 'rs:', 'msgpack'],
    ['RawSocket TCP CBOR', 'rs:', 'cbor'],
    ['RawSocket Unix CBOR', 'unix:', 'cbor'],
  ];

  for (const [name, scheme, serializer] of transports) {
    describe(name, () => {
      const client = (): WampClient => {
        const c = new WampClient({ url: url(scheme), realm: 'realm1', serializer, reconnect: false });
        clients.push(c);
        return c;
      };

      it('calls with args and kwargs, and carries application errors end to end', async () => {
        const callee = client();
        const caller = client();
        await firstKeeping(callee.register('com.flow.add', (args, kwargs) => new WampResult([(args[0] as number) + (args[1] as number)], { echo: kwargs })));
        await firstKeeping(
          callee.register('com.flow.fail', () => {
            throw new WampError('com.flow.error.bad', ['bad'], { field: 'x' });
          }),
        );
        const result = await lastValueFrom(caller.call('com.flow.add', [2, 3], { k: 1 }));
        expect(result.args).toEqual([5]);
        expect(result.kwargs).toEqual({ echo: { k: 1 } });
        const error = (await lastValueFrom(caller.call('com.flow.fail')).catch((e: unknown) => e)) as WampError;
        expect(error.uri).toBe('com.flow.error.bad');
        expect(error.args).toEqual(['bad']);
        expect(error.kwargs).toEqual({ field: 'x' });
      });

      it('streams progressive results and cancels by unsubscribing', async () => {
        const callee = client();
        const caller = client();
        await firstKeeping(callee.register('com.flow.count', () => of(1, 2, 3)));
        let interrupted!: () => void;
        const wasInterrupted = new Promise<void>((resolve) => (interrupted = resolve));
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        await firstKeeping(
          callee.register('com.flow.forever', () => {
            started();
            return new Observable<number>(() => interrupted);
          }),
        );
        const results = await lastValueFrom(caller.call('com.flow.count', [], {}, { receive_progress: true }).pipe(toArray()));
        expect(results.map((r) => [r.args[0], r.progress])).toEqual([
          [1, true],
          [2, true],
          [3, false],
        ]);
        const pending = caller.call('com.flow.forever', [], {}, { cancelMode: 'killnowait' }).subscribe();
        await running;
        pending.unsubscribe();
        await wasInterrupted;
      });

      it('publishes with acknowledge, excludes the publisher, and matches patterns', async () => {
        const subscriber = client();
        const publisher = client();
        const exact = collect<WampEvent>(subscriber.subscribe('com.flow.topic'));
        const prefix = collect<WampEvent>(subscriber.subscribe('com.flow', { match: 'prefix' }));
        const wildcard = collect<WampEvent>(subscriber.subscribe('com..topic', { match: 'wildcard' }));
        const own = collect<WampEvent>(publisher.subscribe('com.flow.topic'));
        await Promise.all([settled(subscriber), settled(publisher)]);
        const ack = await lastValueFrom(publisher.publish('com.flow.topic', [1], { two: 2 }, { acknowledge: true }));
        expect(ack.id).toEqual(jasmine.any(Number));
        expect((await exact.next()).args).toEqual([1]);
        expect((await prefix.next()).topic).toBe('com.flow.topic');
        expect((await wildcard.next()).kwargs).toEqual({ two: 2 });
        await lastValueFrom(publisher.publish('com.flow.topic', [2], {}, { acknowledge: true, exclude_me: false }));
        expect((await own.next()).args).toEqual([2]);
        expect(own.values).toEqual([]);
      });

      it('shares a registration round-robin', async () => {
        const first = client();
        const second = client();
        const caller = client();
        await firstKeeping(first.register('com.flow.shared', () => 'first', { invoke: 'roundrobin' }));
        await firstKeeping(second.register('com.flow.shared', () => 'second', { invoke: 'roundrobin' }));
        const answers: unknown[] = [];
        for (let i = 0; i < 4; i++) answers.push((await lastValueFrom(caller.call('com.flow.shared'))).args[0]);
        expect(answers).toEqual(['first', 'second', 'first', 'second']);
      });
    });
  }
});
