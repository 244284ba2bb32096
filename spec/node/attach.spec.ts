import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import { cryptosignPublicKey } from '../../src/client/auth/cryptosign.js';
import { tlsAuth } from '../../src/client/auth/tls.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import { WampClient } from '../../src/client/wamp-client.js';
import { attach } from '../../src/node/attach.js';
import { Router } from '../../src/router/router.js';
import type { RealmConfig } from '../../src/router/config.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { firstKeeping } from '../support/router-clients.js';
import { createTestPki } from '../support/test-certificates.js';
import type { TestPki } from '../support/test-certificates.js';

/** TLS handshakes and key generation are CPU work: give each spec room on a loaded machine. */
const slowIt = (expectation: string, assertion: () => Promise<void>): void => it(expectation, assertion, 30_000);

const ALICE_KEY = 'd511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd';

/** Listens on a free port of 127.0.0.1 and resolves with it. */
async function listening(server: Server): Promise<number> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The status line an upgrade request to `path` gets ('101' when upgraded). */
function upgradeStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, ['wamp.2.json']);
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('unexpected-response', (_request, response: IncomingMessage) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    ws.on('error', (error) => reject(error));
  });
}

describe('attach(router, { server, path })', () => {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function client(options: Partial<WampClientOptions> & { url: string }): WampClient {
    const c = new WampClient({ realm: 'realm1', reconnect: false, ...options });
    closers.push(() => c.close());
    return c;
  }

  function closeServer(server: Server): Promise<void> {
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  slowIt('serves WAMP (every serializer) and an Express app’s REST routes on one port', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const app = express();
    app.get('/api/time', (_request, response) => {
      response.json({ now: 'tea time' });
    });
    const server = app.listen(0, '127.0.0.1');
    closers.push(() => closeServer(server));
    const port = await listening(server);
    const endpoint = attach(router, { server, path: '/ws' });
    closers.push(() => endpoint.close().then(() => router.close()));

    const rest = await fetch(`http://127.0.0.1:${port}/api/time`);
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual({ now: 'tea time' });
    expect((await fetch(`http://127.0.0.1:${port}/ws`)).status).withContext('a plain GET of /ws is the app’s (404 from Express)').toBe(404);

    const url = `ws://127.0.0.1:${port}/ws`;
    const callee = client({ url });
    await firstKeeping(callee.register('com.example.mul', (args) => (args[0] as number) * (args[1] as number)));
    for (const serializer of ['json', 'msgpack', 'cbor'] as SerializerName[]) {
      const caller = client({ url, serializer });
      expect((await lastValueFrom(caller.call('com.example.mul', [6, 7]))).args).withContext(serializer).toEqual([42]);
    }
  });

  slowIt('leaves upgrades for other paths to the application’s own WebSocket server, and answers 404 when nobody serves them', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const server = createServer((_request, response) => response.end('app'));
    closers.push(() => closeServer(server));
    const port = await listening(server);
    const endpoint = attach(router, { server });
    closers.push(() => endpoint.close().then(() => router.close()));
    expect(await upgradeStatus(port, '/elsewhere')).toBe(404);

    // The app's own WebSocket endpoint on /chat, added after attach().
    const chat = new WebSocketServer({ noServer: true });
    closers.push(() => new Promise<void>((resolve) => chat.close(() => resolve())));
    chat.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
    const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
      if (request.url === '/chat') chat.handleUpgrade(request, socket, head, (ws) => chat.emit('connection', ws, request));
    };
    server.on('upgrade', onUpgrade);
    const echoed = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`);
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (data) => {
        resolve(String(data));
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(echoed).toBe('echo hi');
    // WAMP is still on the default path /ws.
    const session = await firstValueFrom(client({ url: `ws://127.0.0.1:${port}/ws` }).session$);
    expect(session.id).toBeGreaterThan(0);
  });

  slowIt('close() ends the WAMP sessions and stops taking upgrades; the server goes on', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const server = createServer((_request, response) => response.end('still here'));
    closers.push(() => closeServer(server));
    const port = await listening(server);
    const endpoint = attach(router, { server, path: '/wamp' });
    closers.push(() => router.close());
    const c = client({ url: `ws://127.0.0.1:${port}/wamp` });
    await firstValueFrom(c.session$);
    const ended = new Promise<unknown>((resolve) => c.session$.subscribe({ error: resolve, complete: () => resolve(undefined) }));
    await endpoint.close();
    expect(String(await ended)).toContain('network_failure');
    expect(server.listenerCount('upgrade')).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('still here');
  });

  describe('on an HTTPS server', () => {
    let pki: TestPki;
    beforeAll(async () => {
      pki = await createTestPki();
    }, 30_000);
    afterAll(() => pki.remove());

    slowIt('serves wss:// with cryptosign bound to the TLS channel', async () => {
      const realms: RealmConfig[] = [{ name: 'realm1', auth: { cryptosign: { principals: { alice: { authorized_keys: [cryptosignPublicKey(ALICE_KEY)], authrole: 'user' } } } } }];
      const router = new Router({ realms });
      const server = createHttpsServer({ cert: pki.server.cert, key: pki.server.key }, (_request, response) => response.end('secure app'));
      closers.push(() => closeServer(server));
      const port = await listening(server);
      const endpoint = attach(router, { server, path: '/ws' });
      closers.push(() => endpoint.close().then(() => router.close()));
      const session = await firstValueFrom(client({ url: `wss://127.0.0.1:${port}/ws`, tls: { ca: pki.ca.cert }, privateKey: ALICE_KEY }).session$);
      expect(session.details).toEqual(jasmine.objectContaining({ authid: 'alice', authrole: 'user', authextra: jasmine.objectContaining({ channel_binding: 'tls-exporter' }) }));
    });

    slowIt('admits a client certificate when the application’s server asks for one', async () => {
      const realms: RealmConfig[] = [{ name: 'realm1', auth: { tls: { principals: { alice: { authrole: 'operator' } } } } }];
      const router = new Router({ realms });
      const server = createHttpsServer({ cert: pki.server.cert, key: pki.server.key, ca: pki.clientCa.cert, requestCert: true, rejectUnauthorized: false });
      closers.push(() => closeServer(server));
      const port = await listening(server);
      const endpoint = attach(router, { server });
      closers.push(() => endpoint.close().then(() => router.close()));
      const url = `wss://127.0.0.1:${port}/ws`;
      const session = await firstValueFrom(client({ url, tls: { ca: pki.ca.cert, cert: pki.alice.cert, key: pki.alice.key }, authmethods: [tlsAuth()] }).session$);
      expect(session.details).toEqual(jasmine.objectContaining({ authid: 'alice', authrole: 'operator', authmethod: 'tls' }));
      const refused = await firstValueFrom(client({ url, tls: { ca: pki.ca.cert }, authmethods: [tlsAuth()] }).session$).catch((error: unknown) => error);
      expect(refused).toEqual(jasmine.objectContaining({ uri: 'wamp.error.not_authorized' }));
    });
  });
});
