import { firstValueFrom, lastValueFrom, Observable } from 'rxjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WampClient } from '../../src/client/wamp-client.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { serveRawSocket } from '../../src/node/serve-rawsocket.js';
import { serveWebSocket } from '../../src/node/serve-websocket.js';
import type { TransportServer } from '../../src/node/transport-server.js';
import { Router } from '../../src/router/index.js';

function firstKeeping<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => source.subscribe({ next: resolve, error: reject }));
}

describe('WampClient over real sockets', () => {
  let router: Router;
  let server: TransportServer | undefined;
  let dir: string | undefined;
  beforeEach(() => (router = new Router({ realms: [{ name: 'realm1' }] })));
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await router.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function roundTrip(url: string, serializer: SerializerName): Promise<void> {
    const callee = new WampClient({ url, realm: 'realm1', serializer, reconnect: false });
    const caller = new WampClient({ url, realm: 'realm1', serializer, reconnect: false });
    try {
      await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
      const result = await lastValueFrom(caller.call('com.example.add', [2, 3]));
      expect(result.args).toEqual([5]);
      const session = await firstValueFrom(caller.session$);
      expect(session.serializer.id).toBe(serializer);
    } finally {
      await Promise.all([callee.close(), caller.close()]);
    }
  }

  it('works over WebSocket (ws://) with msgpack', async () => {
    server = await serveWebSocket({ host: '127.0.0.1', port: 0, path: '/ws' });
    server.connections$.subscribe((t) => router.attach(t));
    await roundTrip(server.urls[0]!, 'msgpack');
  });

  it('works over RawSocket on TCP (rs://) with cbor', async () => {
    server = await serveRawSocket({ host: '127.0.0.1', port: 0 });
    server.connections$.subscribe((t) => router.attach(t));
    await roundTrip(server.urls[0]!, 'cbor');
  });

  it('works over RawSocket on a Unix socket (unix:) with json', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rxwamp-'));
    server = await serveRawSocket({ path: join(dir, 'router.sock') });
    server.connections$.subscribe((t) => router.attach(t));
    await roundTrip(server.urls[0]!, 'json');
  });
});
