import { lastValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { ensureBuilt } from '../support/built-package.js';
import { startClusterNode } from '../support/cluster-nodes.js';
import type { ClusterNode } from '../support/cluster-nodes.js';
import { startNatsServer } from '../support/nats-server.js';
import type { NatsServer } from '../support/nats-server.js';
import { firstKeeping, settled } from '../support/router-clients.js';

const TIMEOUT = 60_000;

describe('rxwamp-router --workers', () => {
  let nats: NatsServer;
  let pool: ClusterNode | undefined;
  const clients: WampClient[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    nats = await startNatsServer();
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await pool?.stop();
    await nats?.remove();
  }, TIMEOUT);

  it(
    'forks worker nodes that share the listeners and form one router, and stops them all on SIGTERM',
    async () => {
      pool = await startClusterNode(nats.url, 'workers', 'w', ['--workers', '2']);
      expect(pool.stdout.filter((l) => l.startsWith('listening ws://')).length).toBe(1);
      // The primary hands connections to the workers in turn: these sessions live on both.
      for (let i = 0; i < 4; i++) {
        const client = new WampClient({ url: pool.ws, realm: 'realm1', reconnect: false });
        clients.push(client);
        await settled(client);
      }
      const count = await lastValueFrom(clients[0]!.call('wamp.session.count'));
      expect(count.args[0]).toBe(4);
      await firstKeeping(clients[0]!.register('com.workers.echo', (args) => args[0]));
      for (const client of clients.slice(1)) expect((await lastValueFrom(client.call('com.workers.echo', ['hi']))).args[0]).toBe('hi');
      await Promise.all(clients.splice(0).map((c) => c.close()));
      pool.child.kill('SIGTERM');
      expect(await pool.exited).toBe(0);
      expect(pool.stdout).toContain('stopped');
    },
    TIMEOUT,
  );
});
