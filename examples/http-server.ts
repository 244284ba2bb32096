// WAMP next to a plain Node http server's own pages, on one port (no framework needed).
//   npx tsx examples/http-server.ts               # a free port, printed; runs a demo and exits
//   PORT=3000 KEEP=1 npx tsx examples/http-server.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { WampClient } from 'rxwamp';
import { attach } from 'rxwamp/node';
import { Router } from 'rxwamp/router';

const router = new Router({ realms: [{ name: 'realm1' }] });
const server = createServer((request, response) => {
  // The application's own routes: attach() never sees plain HTTP requests.
  if (request.url === '/') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('hello from the app; WAMP is on /ws\n');
    return;
  }
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  response.end('not found\n');
});
await new Promise<void>((resolve) => server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', resolve));
const wamp = attach(router, { server, path: '/ws' });
const { port } = server.address() as AddressInfo;
console.log(`http: http://127.0.0.1:${port}/, WAMP on ws://127.0.0.1:${port}/ws`);

const page = await fetch(`http://127.0.0.1:${port}/`);
console.log(`GET / -> ${page.status} ${(await page.text()).trim()}`);

const client = new WampClient({ url: `ws://127.0.0.1:${port}/ws`, realm: 'realm1' });
const session = await firstValueFrom(client.session$);
const count = await lastValueFrom(client.call('wamp.session.count'));
console.log(`wamp: session ${session.id > 0 ? 'joined' : 'missing'}, wamp.session.count = ${String(count.args[0])}`);

const stop = async (): Promise<void> => {
  await client.close();
  await wamp.close();
  await router.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  console.log('http: closed');
};
if (process.env['KEEP'] === '1') {
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} else {
  await stop();
}
