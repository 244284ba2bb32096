import { lastValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampEvent } from '../../src/session/role-types.js';
import { ensureBuilt } from '../support/built-package.js';
import { startClusterNode } from '../support/cluster-nodes.js';
import type { ClusterNode } from '../support/cluster-nodes.js';
import { freePort, startNatsServer } from '../support/nats-server.js';
import type { NatsServer } from '../support/nats-server.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';

const TIMEOUT = 90_000;

describe('a cluster of rxwamp routers on a cluster of three nats-servers', () => {
  const servers: NatsServer[] = [];
  const nodes: ClusterNode[] = [];
  const clients: WampClient[] = [];

  const joined = async (node: ClusterNode): Promise<WampClient> => {
    const created = new WampClient({ url: node.ws, realm: 'realm1', reconnect: false });
    clients.push(created);
    await settled(created);
    return created;
  };

  beforeAll(async () => {
    await ensureBuilt();
    const routePorts = [await freePort(), await freePort(), await freePort()];
    const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`);
    servers.push(...(await Promise.all(routePorts.map((routePort, i) => startNatsServer({ cluster: { serverName: `n${i}`, routePort, routes } })))));
    // Each node lists every server, its own first: the others are where it goes when its server dies.
    const urls = (first: number) => [servers[first]!, ...servers.filter((_, i) => i !== first)].map((s) => s.url).join(',');
    nodes.push(...(await Promise.all([0, 1, 2].map((i) => startClusterNode(urls(i), 'natscluster', `node${i}`)))));
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(servers.map((s) => s.remove()));
  }, TIMEOUT);

  it(
    'goes on routing calls, events and new registrations when one nats-server is killed',
    async () => {
      const [n0, n1, n2] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      const callee = await joined(n1);
      await firstKeeping(callee.register('com.nc.echo', (args) => args[0]));
      const caller = await joined(n2);
      const subscriber = await joined(n0);
      const events = collect<WampEvent>(subscriber.subscribe('com.nc.topic'));
      await settled(subscriber);
      expect((await lastValueFrom(caller.call('com.nc.echo', ['before']))).args[0]).toBe('before');

      const killedAt = Date.now();
      await servers[0]!.kill();
      // A node whose server died moves to another within a reconnect; until then its cross-node
      // calls fail (fast, or after a probe finds a call NATS lost): none hangs. Then every call is answered.
      let recovered = false;
      while (!recovered && Date.now() - killedAt < 10_000) {
        recovered = (await lastValueFrom(caller.call('com.nc.echo', ['probe'])).catch(() => undefined))?.args[0] === 'probe';
      }
      expect(recovered).toBeTrue();
      for (let i = 0; i < 20; i++) expect((await lastValueFrom(caller.call('com.nc.echo', [i]))).args[0]).toBe(i);
      const second = await joined(n0);
      // (JetStream elects new leaders for the buckets first: a registration may take seconds now.)
      await firstKeeping(second.register('com.nc.after', () => 'after'));
      expect((await lastValueFrom(caller.call('com.nc.after'))).args[0]).toBe('after');
      await lastValueFrom(caller.publish('com.nc.topic', ['after'], {}, { acknowledge: true }));
      expect((await events.next()).args).toEqual(['after']);
    },
    TIMEOUT,
  );
});
