import { firstValueFrom, filter } from 'rxjs';
import { natsCluster } from '../../../src/node/cluster/nats-cluster.js';
import type { ClusterState } from '../../../src/router/cluster.js';
import { Router } from '../../../src/router/router.js';
import { startNatsServer } from '../../support/nats-server.js';
import type { NatsServer } from '../../support/nats-server.js';

const TIMEOUT = 60_000;

describe('natsCluster() and router.clusterState$', () => {
  let nats: NatsServer | undefined;

  afterEach(async () => {
    await nats?.remove();
    nats = undefined;
  });

  it('is standalone without a cluster, and ready at once', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    await router.ready;
    expect(await firstValueFrom(router.clusterState$)).toBe('standalone');
    await router.close();
  });

  it(
    'goes connecting → ready, disconnected while NATS is away, and ready again when it returns',
    async () => {
      nats = await startNatsServer();
      const router = new Router({ realms: [{ name: 'realm1' }], cluster: natsCluster({ servers: nats.url, name: 'states', node: 'solo' }) });
      const seen: ClusterState[] = [];
      router.clusterState$.subscribe((state) => seen.push(state));
      expect(seen).toEqual(['connecting']);
      await router.ready;
      expect(seen).toEqual(['connecting', 'ready']);
      const down = firstValueFrom(router.clusterState$.pipe(filter((s) => s === 'disconnected')));
      await nats.stop();
      await down;
      const back = firstValueFrom(router.clusterState$.pipe(filter((s) => s === 'ready')));
      nats = await startNatsServer(nats.options);
      await back;
      expect(seen).toEqual(['connecting', 'ready', 'disconnected', 'connecting', 'ready']);
      await router.close();
    },
    TIMEOUT,
  );

  it('refuses node and cluster names that cannot be NATS subject tokens', () => {
    expect(() => natsCluster({ servers: 'nats://127.0.0.1:1', node: 'a.b' })).toThrowError(/node name 'a.b'/);
    expect(() => natsCluster({ servers: 'nats://127.0.0.1:1', name: 'x y' })).toThrowError(/cluster name/);
  });
});
