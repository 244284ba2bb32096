/** The router under test, in its own process: realm1 (anonymous), WebSocket and RawSocket on 127.0.0.1, port 0. */
import { listen } from '../src/node/listen.js';
import { Router } from '../src/router/router.js';
import { serveServer } from './lib/server-ipc.js';

const router = new Router({ realms: [{ name: 'realm1' }], limits: { maxSessions: 1_000_000, maxSessionsPerRealm: 1_000_000 } });
const server = await listen(router, { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
const ws = server.urls.find((u) => u.startsWith('ws://'))!;
const rs = server.urls.find((u) => u.startsWith('rs://'))!;
serveServer({ ws, rs }, () => server.close());
