/**
 * The router under test, in its own process: realm1 (anonymous), WebSocket and RawSocket on
 * 127.0.0.1, port 0. Config (argv[2], JSON): `{ "metrics": false }` runs it with no counters
 * and no /metrics at all, to measure what metrics cost; by default they are on, as shipped.
 */
import { listen } from '../src/node/listen.js';
import { Router } from '../src/router/router.js';
import { serveServer } from './lib/server-ipc.js';

const config = JSON.parse(process.argv[2] ?? '{}') as { metrics?: boolean };
const metrics = config.metrics !== false;
const router = new Router({ realms: [{ name: 'realm1' }], limits: { maxSessions: 1_000_000, maxSessionsPerRealm: 1_000_000 }, stats: metrics });
const server = await listen(router, { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } }, { metrics: metrics ? {} : false });
const ws = server.urls.find((u) => u.startsWith('ws://'))!;
const rs = server.urls.find((u) => u.startsWith('rs://'))!;
serveServer({ ws, rs }, () => server.close());
