// A WAMP router: realm1 (anonymous) and secure (ticket, WAMP-CRA) over WebSocket and RawSocket.
//   npx tsx examples/router.ts                       # ws://127.0.0.1:8080/ws, rs://127.0.0.1:8081
//   WS_PORT=0 RS_PORT=0 npx tsx examples/router.ts   # free ports, printed on start
// Ctrl-C closes it. (`npm start` runs the packaged CLI, rxwamp-router, instead.)
import { listen } from 'rxwamp/node';
import { Router, jsonLogger } from 'rxwamp/router';
import { DEMO_REALMS } from './support/demo-realms.js';

const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const router = new Router({ realms: DEMO_REALMS, logger: process.env['LOG'] === '1' ? jsonLogger('info') : undefined });
const server = await listen(router, {
  websocket: { port: port('WS_PORT', 8080), path: '/ws' },
  rawsocket: { port: port('RS_PORT', 8081) },
});
for (const url of server.urls) console.log(`router: listening on ${url}`);
console.log(`router: realms ${DEMO_REALMS.map((r) => r.name).join(', ')}; Ctrl-C to stop`);

const stop = (): void => {
  server.close().then(
    () => console.log('router: closed'),
    (err: unknown) => {
      console.error('router: close failed', err);
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
