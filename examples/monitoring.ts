// A router with its monitoring on: Prometheus metrics, health probes and the live dashboard,
// with some demo traffic to watch.
//   npx tsx examples/monitoring.ts                  # http://127.0.0.1:8080/dashboard
//   WS_PORT=0 npx tsx examples/monitoring.ts        # a free port, printed on start
//   DURATION_MS=5000 npx tsx examples/monitoring.ts # stops by itself
// Then: curl http://127.0.0.1:8080/metrics, /healthz, /readyz. Ctrl-C closes it.
import { listen } from 'rxwamp/node';
import { Router } from 'rxwamp/router';
import { startDemoTraffic } from './support/demo-traffic.js';

const router = new Router({ realms: [{ name: 'realm1' }] });
const server = await listen(
  router,
  { websocket: { port: Number(process.env['WS_PORT'] ?? 8080), path: '/ws' } },
  // On a loopback address /metrics is on by default; the dashboard joins realm1 anonymously.
  { dashboard: { enabled: true, realm: 'realm1' } },
);
const ws = server.urls[0]!;
const http = ws.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
console.log(`router: listening on ${ws}`);
console.log(`metrics: ${http}/metrics`);
console.log(`dashboard: ${http}/dashboard`);
const stopTraffic = startDemoTraffic(ws);

const stop = (): void => {
  stopTraffic();
  void router
    .close()
    .then(() => server.close())
    .then(() => console.log('router: closed'));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
if (process.env['DURATION_MS'] !== undefined) setTimeout(stop, Number(process.env['DURATION_MS']));
