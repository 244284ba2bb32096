/** A router that is one node of a cluster over NATS, in its own process: realm1 (anonymous), WebSocket and RawSocket on 127.0.0.1, port 0. */
import { natsCluster } from '../src/node/cluster/nats-cluster.js';
import { listen } from '../src/node/listen.js';
import { Router } from '../src/router/router.js';
import { serveServer } from './lib/server-ipc.js';

const config = JSON.parse(process.argv[2] ?? '{}') as { servers: string; name: string; node: string };
const router = new Router({
  realms: [{ name: 'realm1' }],
  limits: { maxSessions: 1_000_000, maxSessionsPerRealm: 1_000_000 },
  cluster: natsCluster({ servers: config.servers, name: config.name, node: config.node }),
});
await router.ready;
const server = await listen(router, { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
const ws = server.urls.find((u) => u.startsWith('ws://'))!;
const rs = server.urls.find((u) => u.startsWith('rs://'))!;
serveServer({ ws, rs }, async () => {
  await router.close();
  await server.close();
});
