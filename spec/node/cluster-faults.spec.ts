import { lastValueFrom, Observable } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampError } from '../../src/protocol/errors.js';
import type { WampEvent } from '../../src/session/role-types.js';
import { ensureBuilt } from '../support/built-package.js';
import { startClusterNode } from '../support/cluster-nodes.js';
import type { ClusterNode } from '../support/cluster-nodes.js';
import { startNatsServer } from '../support/nats-server.js';
import type { NatsServer } from '../support/nats-server.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';

const TIMEOUT = 90_000;

describe('a cluster when things fail', () => {
  let nats: NatsServer;
  const nodes: ClusterNode[] = [];
  const clients: WampClient[] = [];

  const start = async (name: string): Promise<ClusterNode> => {
    const node = await startClusterNode(nats.url, 'faults', name, ['--log-level', 'info']);
    nodes.push(node);
    return node;
  };
  const joined = async (node: ClusterNode): Promise<{ client: WampClient; id: number }> => {
    const created = new WampClient({ url: node.ws, realm: 'realm1', reconnect: false });
    clients.push(created);
    await settled(created);
    return { client: created, id: created.session!.id };
  };
  const errorOf = (promise: Promise<unknown>): Promise<WampError> => promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as WampError,
  );

  beforeAll(async () => {
    await ensureBuilt();
    nats = await startNatsServer();
  }, TIMEOUT);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
  }, TIMEOUT);

  afterAll(async () => {
    await nats?.remove();
  });

  it(
    "notices a SIGKILLed node within 5 s: its callers' calls fail with canceled, its sessions leave with their testaments, its registrations vanish; it restarts under the same name",
    async () => {
      const a = await start('a');
      const [b, c] = await Promise.all([start('b'), start('c')]);
      const callee = await joined(a);
      let invoked = 0;
      let allInvoked!: () => void;
      const inFlight = new Promise<void>((resolve) => (allInvoked = resolve));
      await firstKeeping(
        callee.client.register('com.fault.slow', () => {
          if (++invoked === 3) allInvoked();
          return new Observable<number>(() => undefined);
        }),
      );
      await lastValueFrom(callee.client.call('wamp.session.add_testament', ['com.fault.testament', ['gone'], {}]));
      const watcher = (await joined(c)).client;
      const leaves = collect<WampEvent>(watcher.subscribe('wamp.session.on_leave'));
      const testaments = collect<WampEvent>(watcher.subscribe('com.fault.testament'));
      await settled(watcher);
      const caller = (await joined(b)).client;
      const calls = [1, 2, 3].map(() => errorOf(lastValueFrom(caller.call('com.fault.slow'))));
      await inFlight;

      const killedAt = Date.now();
      await a.kill();
      const errors = await Promise.all(calls);
      const noticedIn = Date.now() - killedAt;
      expect(errors.map((e) => e.uri)).toEqual(['wamp.error.canceled', 'wamp.error.canceled', 'wamp.error.canceled']);
      expect(noticedIn).toBeLessThan(5_000);
      expect((await leaves.next()).args[0]).toBe(callee.id);
      expect((await testaments.next()).args).toEqual(['gone']);
      const gone = await lastValueFrom(watcher.call('wamp.registration.match', ['com.fault.slow']));
      expect(gone.args[0]).toBeNull();
      expect((await lastValueFrom(watcher.call('wamp.session.list'))).args[0]).not.toContain(callee.id);
      // The testament went out once, on each surviving node to its own subscribers.
      expect(testaments.values).toEqual([]);

      // Restarted under the same name, the node serves again: the single registration is free.
      const again = await start('a');
      const newCallee = (await joined(again)).client;
      await firstKeeping(newCallee.register('com.fault.slow', () => 'back'));
      expect((await lastValueFrom(caller.call('com.fault.slow'))).args[0]).toBe('back');
    },
    TIMEOUT,
  );

  it(
    'clears what a node left in NATS when it died with nobody to notice: the next node to start drops its registrations',
    async () => {
      const alone = await start('lonely');
      await firstKeeping((await joined(alone)).client.register('com.fault.orphan', () => 'orphan'));
      await alone.kill();
      const next = await start('next');
      const caller = (await joined(next)).client;
      const missing = await errorOf(lastValueFrom(caller.call('com.fault.orphan')));
      expect(missing.uri).toBe('wamp.error.no_such_procedure');
      await firstKeeping((await joined(next)).client.register('com.fault.orphan', () => 'adopted'));
      expect((await lastValueFrom(caller.call('com.fault.orphan'))).args[0]).toBe('adopted');
    },
    TIMEOUT,
  );

  it(
    'keeps serving local sessions while NATS is down, fails cross-node calls fast, and works across nodes again within 5 s of NATS returning',
    async () => {
      const [b, c] = await Promise.all([start('b'), start('c')]);
      const remoteCallee = (await joined(c)).client;
      const localCallee = (await joined(b)).client;
      await firstKeeping(remoteCallee.register('com.down.remote', () => 'remote'));
      await firstKeeping(localCallee.register('com.down.local', () => 'local'));
      const caller = (await joined(b)).client;
      const subscriber = (await joined(c)).client;
      const events = collect<WampEvent>(subscriber.subscribe('com.down.topic'));
      await settled(subscriber);
      expect((await lastValueFrom(caller.call('com.down.remote'))).args[0]).toBe('remote');

      const disconnected = Promise.all([b.nextLog('cluster_disconnected'), c.nextLog('cluster_disconnected')]);
      await nats.stop();
      await disconnected;
      const failedAt = Date.now();
      const failure = await errorOf(lastValueFrom(caller.call('com.down.remote')));
      expect(failure.uri).toBe('wamp.error.unavailable');
      expect(Date.now() - failedAt).toBeLessThan(5_000);
      expect((await lastValueFrom(caller.call('com.down.local'))).args[0]).toBe('local');

      const ready = Promise.all([b.nextLog('cluster_ready'), c.nextLog('cluster_ready')]);
      const restartedAt = Date.now();
      nats = await startNatsServer(nats.options);
      await ready;
      expect(Date.now() - restartedAt).toBeLessThan(5_000);
      expect((await lastValueFrom(caller.call('com.down.remote'))).args[0]).toBe('remote');
      await lastValueFrom(caller.publish('com.down.topic', ['after'], {}, { acknowledge: true }));
      expect((await events.next()).args).toEqual(['after']);
    },
    TIMEOUT,
  );
});
