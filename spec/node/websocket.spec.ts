import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import { serveWebSocket } from '../../src/node/serve-websocket.js';
import type { TransportServer } from '../../src/node/transport-server.js';
import { createMessage } from '../../src/protocol/index.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { connectWebSocket } from '../../src/transport/websocket/connect.js';
import type { Transport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport.js';

describe('WebSocket client ↔ server', () => {
  let server: TransportServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function echoServer(options: Partial<Parameters<typeof serveWebSocket>[0]> = {}): Promise<TransportServer> {
    server = await serveWebSocket({ port: 0, path: '/ws', ...options });
    server.connections$.subscribe((t) => t.incoming$.subscribe({ next: (f) => t.outgoing.next(f), error: () => undefined }));
    return server;
  }

  for (const subprotocol of ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor']) {
    it(`exchanges WAMP messages over ${subprotocol} (text for JSON, binary otherwise)`, async () => {
      await echoServer();
      expect(server!.urls[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      // No WebSocket option and no global one on Node 20: ws is loaded on demand.
      const client = await firstValueFrom(connectWebSocket(server!.urls[0]!, { protocols: [subprotocol] }));
      expect(client.protocol).toBe(subprotocol);
      const serializer = serializerFor(client.protocol)!;
      const call = createMessage('CALL', { Request: 1, Options: {}, Procedure: 'com.example.add', Arguments: [2, 3] });
      const echoes = lastValueFrom(client.incoming$.pipe(take(2), toArray()));
      client.outgoing.next(serializer.encode(call));
      client.outgoing.next(serializer.encode(createMessage('PUBLISH', { Request: 2, Options: {}, Topic: 't', Arguments: [new Uint8Array([1, 2, 250])] })));
      const [first, second] = await echoes;
      expect(typeof first === 'string').toBe(subprotocol === 'wamp.2.json');
      expect(serializer.decode(first!).toArray()).toEqual([48, 1, {}, 'com.example.add', [2, 3]]);
      expect(serializer.decode(second!).toArray()).toEqual([16, 2, {}, 't', [new Uint8Array([1, 2, 250])]]);
      client.outgoing.complete();
    });
  }

  it('selects the first offered subprotocol it speaks, with an explicit WebSocket constructor', async () => {
    await echoServer({ subprotocols: ['wamp.2.cbor', 'wamp.2.json'] });
    const client = await firstValueFrom(
      connectWebSocket(server!.urls[0]!, { protocols: ['wamp.2.msgpack', 'wamp.2.json', 'wamp.2.cbor'], WebSocket }),
    );
    expect(client.protocol).toBe('wamp.2.json');
    client.outgoing.complete();
  });

  /**
   * Records the server's connections; `marked` resolves when a connection delivers its first
   * frame. A client that connects after some attempts were refused and then sends a frame
   * proves, when that frame arrives, that the refused attempts left no connection before it.
   */
  function recordConnections(target: TransportServer): { seen: Transport[]; marked: Promise<void> } {
    const seen: Transport[] = [];
    const marked = new Promise<void>((resolve) =>
      target.connections$.subscribe((t) => {
        seen.push(t);
        t.incoming$.subscribe({ next: () => resolve(), error: () => undefined });
      }),
    );
    return { seen, marked };
  }

  it('refuses a client offering only an unknown subprotocol, and one offering none', async () => {
    server = await serveWebSocket({ port: 0, path: '/ws' });
    const { seen, marked } = recordConnections(server);
    const failure = await firstValueFrom(connectWebSocket(server!.urls[0]!, { protocols: ['wamp.2.ubjson'] })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).code).toBe('connect');
    expect((failure as TransportError).message).toContain('400');
    // A raw ws client without any subprotocol gets the same answer.
    const status = await new Promise<number>((resolve) => {
      const raw = new WebSocket(server!.urls[0]!);
      raw.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      raw.on('error', () => undefined);
    });
    expect(status).toBe(400);
    expect(seen).toEqual([]);
    // A client the server accepts, after the refused ones: when its frame arrives, it is the only connection.
    const accepted = await firstValueFrom(connectWebSocket(server!.urls[0]!, { protocols: ['wamp.2.json'], WebSocket }));
    accepted.outgoing.next('[1]');
    await marked;
    expect(seen.length).toBe(1);
    accepted.outgoing.complete();
  });

  it('fails the connect Observable when the server selects no subprotocol', async () => {
    const { WebSocketServer } = await import('ws');
    const plain = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => false });
    await new Promise<void>((resolve) => plain.once('listening', () => resolve()));
    const port = (plain.address() as { port: number }).port;
    const failure = await firstValueFrom(connectWebSocket(`ws://127.0.0.1:${port}`, { protocols: ['wamp.2.json'], WebSocket })).catch((e: unknown) => e);
    // ws itself fails such a handshake; a lenient WebSocket opens and rxwamp refuses it (see connect.spec).
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).message).toMatch(/no subprotocol/i);
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });

  it('refuses other paths with 404', async () => {
    await echoServer();
    const url = server!.urls[0]!.replace('/ws', '/other');
    const failure = await firstValueFrom(connectWebSocket(url, { protocols: ['wamp.2.json'], WebSocket })).catch((e: unknown) => e);
    expect((failure as TransportError).message).toContain('404');
  });

  it('errors when it cannot connect', async () => {
    await echoServer();
    const url = server!.urls[0]!;
    await server!.close();
    server = undefined;
    const failure = await firstValueFrom(connectWebSocket(url, { protocols: ['wamp.2.json'] })).catch((e: unknown) => e);
    expect((failure as TransportError).code).toBe('connect');
  });

  it('aborts the socket when unsubscribed before it opens', async () => {
    server = await serveWebSocket({ port: 0 });
    const { seen, marked } = recordConnections(server);
    const events: string[] = [];
    const subscription = connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.json'], WebSocket }).subscribe({
      next: () => events.push('next'),
      error: () => events.push('error'),
      complete: () => events.push('complete'),
    });
    subscription.unsubscribe();
    const again = await firstValueFrom(connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.json'], WebSocket }));
    // The aborted attempt never produced a server-side connection; the second did (its frame arrived on the only one).
    again.outgoing.next('[1]');
    await marked;
    expect(events).toEqual([]);
    expect(seen.length).toBe(1);
    again.outgoing.complete();
  });

  it('closes a connection whose incoming message exceeds maxMessageSize (1009, too_large)', async () => {
    server = await serveWebSocket({ port: 0, maxMessageSize: 1000 });
    const serverSide = firstValueFrom(server.connections$);
    const client = await firstValueFrom(connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.msgpack'], WebSocket }));
    const transport = await serverSide;
    const serverFailure = lastValueFrom(transport.incoming$).catch((e: unknown) => e);
    const clientFailure = lastValueFrom(client.incoming$).catch((e: unknown) => e);
    client.outgoing.next(new Uint8Array(1001));
    const err = (await serverFailure) as TransportError;
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('exceeds the maximum of 1000 octets');
    expect(((await clientFailure) as TransportError).code).toBe('too_large');
  });

  it('enforces maxMessageSize on the client side too', async () => {
    server = await serveWebSocket({ port: 0 });
    server.connections$.subscribe((t) => t.outgoing.next('x'.repeat(2000)));
    const client = await firstValueFrom(connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.json'], maxMessageSize: 1500 }));
    const err = (await lastValueFrom(client.incoming$).catch((e: unknown) => e)) as TransportError;
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('2000 octets');
  });

  it('fails a server-side transport whose client does not read as a slow peer', async () => {
    server = await serveWebSocket({ port: 0, highWaterMark: 1 << 20 });
    const serverSide = firstValueFrom(server.connections$);
    const raw = new WebSocket(server.urls[0]!, ['wamp.2.msgpack']);
    raw.on('error', () => undefined);
    await new Promise<void>((resolve) => raw.once('open', () => resolve()));
    (raw as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading
    const transport = await serverSide;
    const failure = lastValueFrom(transport.incoming$).catch((e: unknown) => e);
    const chunk = new Uint8Array(60_000);
    for (let i = 0; i < 200 && transport.bufferedAmount <= 1 << 20; i++) transport.outgoing.next(chunk);
    const err = (await failure) as TransportError;
    expect(err.code).toBe('slow_peer');
    expect(transport.bufferedAmount).toBe(0);
    raw.terminate();
  });

  it('completes both sides on a clean close from the client, and on server close', async () => {
    server = await serveWebSocket({ port: 0 });
    const sides = lastValueFrom(server.connections$.pipe(take(2), toArray()));
    const a = await firstValueFrom(connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.json'], WebSocket }));
    const b = await firstValueFrom(connectWebSocket(server.urls[0]!, { protocols: ['wamp.2.json'], WebSocket }));
    const [sa] = await sides;
    const serverEnd = lastValueFrom(sa!.incoming$, { defaultValue: 'done' });
    const bEnd = lastValueFrom(b.incoming$, { defaultValue: 'done' });
    a.outgoing.complete();
    expect(await serverEnd).toBe('done');
    await server.close();
    server = undefined;
    expect(await bEnd).toBe('done');
  });
});
