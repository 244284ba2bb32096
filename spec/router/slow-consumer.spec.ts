import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { connectRawSocket } from '../../src/node/connect-rawsocket.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { LimitErrors } from '../../src/router/limits.js';
import { jsonLogger } from '../../src/router/logger.js';
import { Router } from '../../src/router/router.js';
import type { Transport } from '../../src/transport/transport.js';
import { collector, liveMemory } from '../support/collect-garbage.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';

const EVENTS = 100_000;
const FAST = 8;
/** PUBLISHes in flight ahead of the slowest fast subscriber: the publisher respects its readers. */
const WINDOW = 4_000;
const PADDING = 'x'.repeat(100);
const text = new TextDecoder();

/** A WAMP peer over a RawSocket Transport (JSON), with a handler for every message. */
async function rawSocketPeer(port: number, onMessage: (m: unknown[]) => void): Promise<{ send(...m: unknown[]): void; close(): void }> {
  const transport: Transport = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 'json' }));
  transport.incoming$.subscribe({
    next: (frame) => onMessage(JSON.parse(typeof frame === 'string' ? frame : text.decode(frame)) as unknown[]),
    error: () => undefined,
  });
  return { send: (...m) => transport.outgoing.next(JSON.stringify(m)), close: () => transport.outgoing.complete() };
}

/** Resolves with the first message `peer` gets that passes `test`. */
function waiter(): { onMessage(m: unknown[]): void; next(test: (m: unknown[]) => boolean): Promise<unknown[]> } {
  const held: unknown[][] = [];
  const waiting: Array<{ test: (m: unknown[]) => boolean; resolve: (m: unknown[]) => void }> = [];
  return {
    onMessage(m) {
      const at = waiting.findIndex((w) => w.test(m));
      if (at >= 0) waiting.splice(at, 1)[0]!.resolve(m);
      else held.push(m);
    },
    next(test) {
      const at = held.findIndex(test);
      if (at >= 0) return Promise.resolve(held.splice(at, 1)[0]!);
      return new Promise((resolve) => waiting.push({ test, resolve }));
    },
  };
}

/**
 * A subscriber over a bare TCP socket that speaks RawSocket by hand, so that it can stop
 * reading (pause the socket) once it has subscribed: the kernel buffers fill, then the router's.
 */
async function stallingSubscriber(port: number, topic: string): Promise<{ socket: Socket; sessionId: number }> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const frame = (message: unknown[]): Buffer => {
    const payload = Buffer.from(JSON.stringify(message));
    const header = Buffer.from([0, (payload.length >> 16) & 0xff, (payload.length >> 8) & 0xff, payload.length & 0xff]);
    return Buffer.concat([header, payload]);
  };
  let buffer = Buffer.alloc(0);
  const messages: unknown[][] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (messages.length === 0 && buffer.length >= 4 && buffer[0] === 0x7f && buffer.length === 4) {
      buffer = buffer.subarray(4);
    }
    for (;;) {
      if (buffer[0] === 0x7f) buffer = buffer.subarray(4); // the handshake reply
      if (buffer.length < 4) break;
      const length = (buffer[1]! << 16) | (buffer[2]! << 8) | buffer[3]!;
      if (buffer.length < 4 + length) break;
      messages.push(JSON.parse(buffer.subarray(4, 4 + length).toString()) as unknown[]);
      buffer = buffer.subarray(4 + length);
    }
    wake?.();
  });
  const until = async (code: number): Promise<unknown[]> => {
    for (;;) {
      const found = messages.find((m) => m[0] === code);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  socket.write(Buffer.from([0x7f, 0xf1, 0, 0])); // 16 MiB, JSON
  socket.write(frame([1, 'realm1', { roles: { subscriber: {} } }]));
  const welcome = await until(2);
  socket.write(frame([32, 1, {}, topic]));
  await until(33);
  socket.pause();
  return { socket, sessionId: welcome[1] as number };
}

describe('Router with a slow consumer (real sockets)', () => {
  let router: Router;
  let server: RouterServer;
  const lines: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    router = new Router({ realms: [{ name: 'realm1' }], limits: { goodbyeTimeoutMs: 100 }, logger: jsonLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
    server = await listen(router, { rawsocket: { port: 0 } });
  });

  afterEach(async () => {
    await server.close();
    await router.close();
  });

  it('disconnects a subscriber that stops reading while 8 others receive 100,000 events in order, with memory bounded', async () => {
    const port = Number(new URL(server.urls[0]!.replace('rs:', 'http:')).port);
    const topic = 'com.feed';

    const watcher = waiter();
    const watch = await rawSocketPeer(port, (m) => watcher.onMessage(m));
    watch.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
    await watcher.next((m) => m[0] === 2);
    watch.send(32, 1, {}, 'wamp.session.on_leave');
    await watcher.next((m) => m[0] === 33);

    const received = new Array<number>(FAST).fill(0);
    const outOfOrder: string[] = [];
    let progress: (() => void) | undefined;
    const fast = [];
    for (let i = 0; i < FAST; i++) {
      const ready = waiter();
      const peer = await rawSocketPeer(port, (m) => {
        if (m[0] !== 36) return ready.onMessage(m);
        const n = (m[4] as [number])[0];
        if (n !== received[i]) outOfOrder.push(`subscriber ${i} got ${n}, expected ${received[i]}`);
        received[i] = n + 1;
        progress?.();
      });
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
      await ready.next((m) => m[0] === 2);
      peer.send(32, 1, {}, topic);
      await ready.next((m) => m[0] === 33);
      fast.push(peer);
    }
    const slow = await stallingSubscriber(port, topic);

    const publisherMessages = waiter();
    const publisher = await rawSocketPeer(port, (m) => publisherMessages.onMessage(m));
    publisher.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
    await publisherMessages.next((m) => m[0] === 2);

    // Live memory (after a full collection), sampled every 10,000 events.
    const gc = collector();
    const before = liveMemory(gc);
    let sampledAt = 0;
    let peak = before;
    const started = Date.now();
    const slowest = (): number => Math.min(...received);
    for (let sent = 0; sent < EVENTS; ) {
      const until = Math.min(EVENTS, slowest() + WINDOW);
      for (; sent < until; sent++) publisher.send(16, sent + 1, {}, topic, [sent, PADDING]);
      if (sent - sampledAt >= 10_000) {
        sampledAt = sent;
        peak = Math.max(peak, liveMemory(gc));
      }
      await new Promise<void>((resolve) => (progress = () => slowest() + WINDOW / 2 > sent || slowest() === EVENTS ? resolve() : undefined));
    }
    while (slowest() < EVENTS) await new Promise<void>((resolve) => (progress = () => (slowest() === EVENTS ? resolve() : undefined)));
    const seconds = (Date.now() - started) / 1000;

    expect(outOfOrder.slice(0, 5)).toEqual([]);
    expect(received).toEqual(new Array<number>(FAST).fill(EVENTS));
    const left = await watcher.next((m) => m[0] === 36 && (m[4] as unknown[])[0] === slow.sessionId);
    expect(left[5]).toEqual({ reason: LimitErrors.maxOutboundQueue });
    const line = lines.find((l) => l['event'] === 'slow_consumer');
    expect(line).toEqual(jasmine.objectContaining({ level: 'warn', session: slow.sessionId, max: router.limits.maxOutboundQueue }));
    expect(lines.find((l) => l['event'] === 'session_left' && l['session'] === slow.sessionId)?.['reason']).toBe(LimitErrors.maxOutboundQueue);
    // Nobody else was disconnected.
    expect(lines.filter((l) => l['event'] === 'session_left').length).toBe(1);
    // What the router held for the slow one stayed within its queue limit's worth of frames.
    expect(line!['bufferedBytes'] as number).toBeLessThan((router.limits.maxOutboundQueue + 100) * (PADDING.length + 100));
    const growth = peak - before;
    console.log(`slow consumer: ${EVENTS} events to ${FAST} subscribers in ${seconds.toFixed(1)} s; slow one dropped with ${String(line!['queued'])} queued (${((line!['bufferedBytes'] as number) / 1e6).toFixed(1)} MB); peak live memory growth ${(growth / 1e6).toFixed(1)} MB`);
    expect(growth).toBeLessThan(32 * 1024 * 1024);
    slow.socket.destroy();
    publisher.close();
    watch.close();
    for (const peer of fast) peer.close();
  }, 60_000);
});
