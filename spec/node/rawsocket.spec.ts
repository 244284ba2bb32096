import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { connectRawSocket } from '../../src/node/connect-rawsocket.js';
import { serveRawSocket } from '../../src/node/serve-rawsocket.js';
import { socketDuplex } from '../../src/node/socket-duplex.js';
import type { TransportServer } from '../../src/node/transport-server.js';
import type { ByteDuplex } from '../../src/transport/rawsocket/byte-duplex.js';
import { rawSocketClientHandshake } from '../../src/transport/rawsocket/negotiate.js';
import type { Frame, Transport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport.js';

const MAX = 65536; // announced by both sides: LENGTH 7

/** A deterministic mix of sizes: mostly small, some medium, some at exactly the maximum. */
function sizeOf(i: number): number {
  const r = (i * 2654435761) >>> 0;
  if (i % 97 === 0) return MAX;
  if (r % 20 === 0) return r % MAX;
  if (r % 4 === 0) return r % 4096;
  return 4 + (r % 100);
}

function payload(i: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(4, sizeOf(i)));
  new DataView(bytes.buffer).setUint32(0, i);
  for (let k = 4; k < bytes.length; k++) bytes[k] = (i + k) & 0xff;
  return bytes;
}

function check(frame: Frame, i: number): string | undefined {
  if (typeof frame === 'string') return `frame ${i} is text`;
  const expected = payload(i);
  if (frame.length !== expected.length) return `frame ${i}: ${frame.length} octets, expected ${expected.length}`;
  for (let k = 0; k < frame.length; k++) if (frame[k] !== expected[k]) return `frame ${i} differs at ${k}`;
  return undefined;
}

/** The client side of a connection with its socket writes counted by frame type. */
async function tappedClient(socket: Socket, where: string, counts: { ping: number; pong: number }): Promise<Transport> {
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const inner = socketDuplex(socket, where);
  let handshakeSent = false;
  const duplex: ByteDuplex = {
    ...inner,
    data$: inner.data$,
    peer: inner.peer,
    get bufferedAmount() {
      return inner.bufferedAmount;
    },
    write(bytes) {
      if (handshakeSent && bytes.length >= 4 && bytes.length < 100) {
        if (bytes[0] === 1) counts.ping++;
        if (bytes[0] === 2) counts.pong++;
      }
      handshakeSent = true;
      inner.write(bytes);
    },
  };
  return firstValueFrom(rawSocketClientHandshake(duplex, { serializerId: 2, maxMessageSize: MAX, keepalive: { intervalMs: 1, timeoutMs: 10_000 } }));
}

async function exchange(server: TransportServer, socket: Socket): Promise<void> {
  const COUNT = 10_000;
  const serverErrors: string[] = [];
  // The server echoes every frame, checking order as it goes.
  server.connections$.pipe(take(1)).subscribe((transport) => {
    let n = 0;
    transport.incoming$.subscribe({
      next: (frame) => {
        const problem = check(frame, n++);
        if (problem !== undefined) serverErrors.push(problem);
        transport.outgoing.next(frame);
      },
      error: (e: unknown) => serverErrors.push(String(e)),
    });
  });
  const counts = { ping: 0, pong: 0 };
  const client = await tappedClient(socket, server.urls[0]!, counts);
  expect(client.protocol).toBe('wamp.2.msgpack');
  expect(client.maxOutgoingMessageSize).toBe(MAX);
  const received = lastValueFrom(client.incoming$.pipe(take(COUNT), toArray()));
  for (let i = 0; i < COUNT; i++) client.outgoing.next(payload(i));
  const frames = await received;
  const problems = frames.map((f, i) => check(f, i)).filter((p) => p !== undefined);
  expect(problems.slice(0, 5)).toEqual([]);
  expect(serverErrors.slice(0, 5)).toEqual([]);
  expect(frames.length).toBe(COUNT);
  // The server PINGs (every 1 ms) were answered by the client, and the client PINGed too.
  expect(counts.ping).toBeGreaterThan(0);
  expect(counts.pong).toBeGreaterThan(0);
  client.outgoing.complete();
}

describe('RawSocket over real sockets', () => {
  let server: TransportServer | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const serverOptions = { maxMessageSize: MAX, serializerIds: [2], highWaterMark: 2 ** 28, keepalive: { intervalMs: 1, timeoutMs: 10_000 } };

  it('exchanges 10,000 mixed-size frames both ways over TCP, in order, with PING/PONG interleaved', async () => {
    server = await serveRawSocket({ host: '127.0.0.1', port: 0, ...serverOptions });
    expect(server.urls[0]).toMatch(/^rs:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(server.urls[0]!.split(':').pop());
    await exchange(server, connect({ host: '127.0.0.1', port }));
  }, 60_000);

  it('exchanges 10,000 mixed-size frames both ways over a Unix socket', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rxwamp-'));
    const path = join(dir, 'router.sock');
    server = await serveRawSocket({ path, ...serverOptions });
    expect(server.urls).toEqual([`unix:${path}`]);
    await exchange(server, connect({ path }));
  }, 60_000);

  it('connects with connectRawSocket by serializer name and exchanges a message', async () => {
    server = await serveRawSocket({ port: 0 });
    const port = Number(server.urls[0]!.split(':').pop());
    server.connections$.subscribe((t) => t.incoming$.subscribe((f) => t.outgoing.next(f)));
    const client = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 'cbor' }));
    expect(client.protocol).toBe('wamp.2.cbor');
    expect(client.maxOutgoingMessageSize).toBe(2 ** 24);
    const echo = firstValueFrom(client.incoming$);
    client.outgoing.next('text goes as UTF-8 bytes: é');
    expect(new TextDecoder().decode((await echo) as Uint8Array)).toBe('text goes as UTF-8 bytes: é');
    client.outgoing.complete();
  });

  it('answers a handshake with an unsupported serializer with error 1, and connectRawSocket reports it', async () => {
    server = await serveRawSocket({ port: 0, serializerIds: [1] });
    const port = Number(server.urls[0]!.split(':').pop());
    const seen: Transport[] = [];
    server.connections$.subscribe((t) => seen.push(t));
    // Raw bytes first: request MessagePack, 16M.
    const socket = connect({ host: '127.0.0.1', port });
    socket.write(Uint8Array.of(0x7f, 0xf2, 0x00, 0x00));
    const reply: Buffer[] = [];
    await new Promise<void>((resolve) => socket.on('data', (c: Buffer) => reply.push(c)).on('close', () => resolve()));
    expect(Array.from(Buffer.concat(reply))).toEqual([0x7f, 0x10, 0x00, 0x00]);
    // And through the client.
    const failure = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 2 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).code).toBe('handshake');
    expect((failure as TransportError).message).toContain('error 1, serializer unsupported');
    expect(seen).toEqual([]);
  });

  it('closes without reply on a wrong magic octet', async () => {
    server = await serveRawSocket({ port: 0 });
    const port = Number(server.urls[0]!.split(':').pop());
    const socket = connect({ host: '127.0.0.1', port });
    socket.write('GET / HTTP/1.1\r\n\r\n');
    const reply: Buffer[] = [];
    await new Promise<void>((resolve) => socket.on('data', (c: Buffer) => reply.push(c)).on('close', () => resolve()).on('error', () => undefined));
    expect(reply.length).toBe(0);
  });

  it('refuses clients beyond maxConnections with error 4', async () => {
    server = await serveRawSocket({ port: 0, maxConnections: 1 });
    const port = Number(server.urls[0]!.split(':').pop());
    server.connections$.subscribe();
    const first = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 1 }));
    const second = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 1 })).catch((e: unknown) => e);
    expect((second as TransportError).message).toContain('error 4, maximum connection count reached');
    first.outgoing.complete();
  });

  it('fails the connection with a clear reason when an incoming frame exceeds the announced maximum', async () => {
    server = await serveRawSocket({ port: 0, maxMessageSize: 1024 });
    const port = Number(server.urls[0]!.split(':').pop());
    const serverSide = firstValueFrom(server.connections$);
    // A client that announces 16M and ignores the router's 1024 (a raw socket).
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    socket.write(Uint8Array.of(0x7f, 0xf1, 0x00, 0x00));
    const transport = await serverSide;
    const failure = lastValueFrom(transport.incoming$).catch((e: unknown) => e);
    socket.write(Uint8Array.of(0x00, 0x00, 0x04, 0x01, ...new Uint8Array(1025)));
    const err = (await failure) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('1025 octets exceeds the maximum of 1024');
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  });

  it('refuses to send a message over the router maximum, keeping the connection', async () => {
    server = await serveRawSocket({ port: 0, maxMessageSize: 512 });
    const port = Number(server.urls[0]!.split(':').pop());
    server.connections$.subscribe((t) => t.incoming$.subscribe((f) => t.outgoing.next(f)));
    const client = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 1 }));
    expect(client.maxOutgoingMessageSize).toBe(512);
    expect(() => client.outgoing.next(new Uint8Array(513))).toThrowMatching((e) => e instanceof TransportError && e.code === 'too_large');
    const echo = firstValueFrom(client.incoming$);
    client.outgoing.next(new Uint8Array(512));
    expect(((await echo) as Uint8Array).length).toBe(512);
    client.outgoing.complete();
  });

  it('fails a server-side transport whose peer does not read as a slow peer', async () => {
    server = await serveRawSocket({ port: 0, highWaterMark: 1 << 20 });
    const port = Number(server.urls[0]!.split(':').pop());
    const serverSide = firstValueFrom(server.connections$);
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    socket.write(Uint8Array.of(0x7f, 0xf1, 0x00, 0x00));
    socket.pause(); // never reads again after the handshake reply
    const transport = await serverSide;
    const failure = lastValueFrom(transport.incoming$).catch((e: unknown) => e);
    const chunk = new Uint8Array(60_000);
    for (let i = 0; i < 100 && transport.bufferedAmount <= 1 << 20; i++) transport.outgoing.next(chunk);
    const err = (await failure) as TransportError;
    expect(err.code).toBe('slow_peer');
    expect(transport.bufferedAmount).toBe(0);
    socket.destroy();
  });

  it('errors when it cannot connect, and aborts when unsubscribed before the handshake', async () => {
    const blackhole = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as AddressInfo).port;
    const closed = new Promise<void>((resolve) => blackhole.once('connection', (s: Socket) => s.once('close', () => resolve())));
    const subscription = connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 1 }).subscribe();
    await new Promise<void>((resolve) => blackhole.once('connection', () => resolve()));
    subscription.unsubscribe();
    await closed;
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    const failure = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 1 })).catch((e: unknown) => e);
    expect((failure as TransportError).code).toBe('connect');
  });
});
