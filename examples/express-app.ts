// An Express app that serves its own REST routes and WAMP on the same port: attach() takes
// the WebSocket upgrades for /ws and leaves every other request to Express.
//   npx tsx examples/express-app.ts              # a free port, printed; runs a demo and exits
//   PORT=3000 KEEP=1 npx tsx examples/express-app.ts   # stays up: curl localhost:3000/api/add?a=2&b=3
import type { AddressInfo } from 'node:net';
import express from 'express';
import { firstValueFrom, lastValueFrom, Subscription } from 'rxjs';
import { WampClient } from 'rxwamp';
import { attach } from 'rxwamp/node';
import { Router } from 'rxwamp/router';

const router = new Router({ realms: [{ name: 'realm1' }] });
const app = express();
const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', resolve));
const wamp = attach(router, { server, path: '/ws' });
const { port } = server.address() as AddressInfo;
console.log(`express: http://127.0.0.1:${port}/api/…, WAMP on ws://127.0.0.1:${port}/ws`);

// The app's own WAMP client: REST handlers call procedures that WAMP peers register.
const backend = new WampClient({ url: `ws://127.0.0.1:${port}/ws`, realm: 'realm1' });
app.get('/api/health', (_request, response) => {
  response.json({ ok: true, wamp: backend.session !== undefined });
});
app.get('/api/add', async (request, response) => {
  try {
    const result = await lastValueFrom(backend.call('com.example.add', [Number(request.query['a']), Number(request.query['b'])]));
    response.json({ sum: result.args[0] });
  } catch (error) {
    response.status(502).json({ error: error instanceof Error ? error.message : String(error) });
  }
});

// A WAMP peer (in a real system, another process or a browser) provides com.example.add.
const worker = new WampClient({ url: `ws://127.0.0.1:${port}/ws`, realm: 'realm1', serializer: 'msgpack' });
const held = new Subscription();
await new Promise<void>((resolve, reject) => {
  held.add(worker.register('com.example.add', ([a, b]) => Number(a) + Number(b)).subscribe({ next: () => resolve(), error: reject }));
});
await firstValueFrom(backend.session$);

const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { ok: boolean; wamp: boolean };
console.log(`GET /api/health -> ${JSON.stringify(health)}`);
const added = (await (await fetch(`http://127.0.0.1:${port}/api/add?a=2&b=3`)).json()) as { sum: number };
console.log(`GET /api/add?a=2&b=3 -> ${JSON.stringify(added)} (computed by a WAMP callee)`);
const missing = await fetch(`http://127.0.0.1:${port}/no/such/route`);
console.log(`GET /no/such/route -> ${missing.status} (Express's own 404)`);

const stop = async (): Promise<void> => {
  held.unsubscribe();
  await Promise.all([worker.close(), backend.close()]);
  await wamp.close();
  await router.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  console.log('express: closed');
};
if (process.env['KEEP'] === '1') {
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} else {
  await stop();
}
