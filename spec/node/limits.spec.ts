import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { WebSocket } from 'ws';
import { connectRawSocket } from '../../src/node/connect-rawsocket.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import type { AllRouterLimits } from '../../src/router/limits.js';
import { Router } from '../../src/router/router.js';
import type { Transport } from '../../src/transport/transport.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';
import { RecordingLogger } from '../support/recording-logger.js';

const text = new TextDecoder();

function portOf(url: string): number {
  return Number(new URL(url.replace(/^rs:/, 'http:')).port);
}

/** A RawSocket peer over a bare TCP socket: the handshake and every frame by hand. */
class BareRawSocket {
  readonly socket: Socket;
  readonly frames: Array<{ type: number; payload: Buffer }> = [];
  handshakeReply: Buffer | undefined;
  answerPings = false;
  closed = false;
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | undefined;

  constructor(port: number, handshake: number[]) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.#wake?.();
    });
    this.socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.socket.write(Buffer.from(handshake));
  }

  send(message: unknown[]): void {
    this.sendFrame(0, Buffer.from(JSON.stringify(message)));
  }

  sendFrame(type: number, payload: Buffer): void {
    const n = payload.length;
    this.socket.write(Buffer.concat([Buffer.from([type, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]), payload]));
  }

  /** Resolves when `test` holds (checked after every arrival and on close). */
  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  messages(code: number): unknown[][] {
    return this.frames.filter((f) => f.type === 0).map((f) => JSON.parse(f.payload.toString()) as unknown[]).filter((m) => m[0] === code);
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (this.handshakeReply === undefined) {
      if (this.#buffer.length < 4) return;
      this.handshakeReply = this.#buffer.subarray(0, 4);
      this.#buffer = this.#buffer.subarray(4);
    }
    while (this.#buffer.length >= 4) {
      const length = (this.#buffer[1]! << 16) | (this.#buffer[2]! << 8) | this.#buffer[3]!;
      if (this.#buffer.length < 4 + length) break;
      const frame = { type: this.#buffer[0]! & 0x07, payload: Buffer.from(this.#buffer.subarray(4, 4 + length)) };
      this.#buffer = this.#buffer.subarray(4 + length);
      this.frames.push(frame);
      if (frame.type === 1 && this.answerPings) this.sendFrame(2, frame.payload);
    }
    this.#wake?.();
  }
}

/** A JSON WAMP peer over a RawSocket Transport from connectRawSocket. */
async function transportPeer(port: number, maxMessageSize?: number): Promise<{ transport: Transport; received: unknown[][]; next(code: number): Promise<unknown[]> }> {
  const transport = await firstValueFrom(connectRawSocket({ host: '127.0.0.1', port }, { serializerId: 'json', ...(maxMessageSize === undefined ? {} : { maxMessageSize }) }));
  const received: unknown[][] = [];
  let wake: (() => void) | undefined;
  transport.incoming$.subscribe({
    next: (frame) => {
      received.push(JSON.parse(typeof frame === 'string' ? frame : text.decode(frame)) as unknown[]);
      wake?.();
    },
    error: () => undefined,
  });
  return {
    transport,
    received,
    async next(code) {
      for (;;) {
        const at = received.findIndex((m) => m[0] === code);
        if (at >= 0) return received.splice(at, 1)[0]!;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

describe('Transport limits of a listening router', () => {
  let router: Router;
  let server: RouterServer;
  let logs: RecordingLogger;

  async function start(limits: AllRouterLimits): Promise<void> {
    logs = new RecordingLogger();
    router = new Router({ realms: [{ name: 'realm1' }], limits: { goodbyeTimeoutMs: 50, ...limits }, logger: logs });
    server = await listen(router, { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
  }

  afterEach(async () => {
    await server.close();
    await router.close();
  });

  describe('maxMessageSize', () => {
    it('is enforced on WebSocket: a larger message closes the connection with 1009', async () => {
      await start({ maxMessageSize: 4096 });
      const ws = new WebSocket(server.urls[0]!, ['wamp.2.json']);
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify([1, 'realm1', { roles: ALL_CLIENT_ROLES }]));
      await new Promise((resolve) => ws.once('message', resolve));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(JSON.stringify([16, 1, {}, 'com.t', ['x'.repeat(5000)]]));
      expect(await closed).toBe(1009);
      // The router forgets the session, and says why.
      const left = await logs.next('session_left');
      expect(left.fields['reason']).toBe('transport.too_large');
      expect(logs.named('transport_failed').map((l) => l.fields['code'])).toEqual(['too_large']);
      expect(router.sessionCount).toBe(0);
      expect(router.realm('realm1')!.sessionCount).toBe(0);
    });

    it('is negotiated on RawSocket: the handshake announces it, and a larger frame fails the connection', async () => {
      await start({ maxMessageSize: 4096 });
      const peer = new BareRawSocket(portOf(server.urls[1]!), [0x7f, 0xf1, 0, 0]);
      await peer.until(() => peer.handshakeReply !== undefined);
      expect(peer.handshakeReply![0]).toBe(0x7f);
      expect(peer.handshakeReply![1]! >> 4).toBe(3); // 2^(9+3) = 4096
      expect(peer.handshakeReply![1]! & 0x0f).toBe(1);
      peer.send([1, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      await peer.until(() => peer.messages(2).length === 1);
      peer.send([16, 1, {}, 'com.t', ['x'.repeat(5000)]]);
      await peer.until(() => peer.closed);
      // Closed because of the frame's size, nothing else.
      const left = await logs.next('session_left');
      expect(left.fields['reason']).toBe('transport.too_large');
      expect(logs.named('transport_failed').map((l) => l.fields['code'])).toEqual(['too_large']);
      expect(peer.messages(3)).toEqual([]);
      expect(router.sessionCount).toBe(0);
    });

    it('honours the smaller limit a RawSocket client announces: a result it cannot take becomes wamp.error.payload_size_exceeded', async () => {
      await start({});
      const port = portOf(server.urls[1]!);
      const callee = await transportPeer(port);
      callee.transport.outgoing.next(JSON.stringify([1, 'realm1', { roles: ALL_CLIENT_ROLES }]));
      await callee.next(2);
      callee.transport.outgoing.next(JSON.stringify([64, 1, {}, 'com.big']));
      await callee.next(65);
      const caller = await transportPeer(port, 1024);
      expect(caller.transport.maxOutgoingMessageSize).toBeGreaterThan(1024);
      caller.transport.outgoing.next(JSON.stringify([1, 'realm1', { roles: ALL_CLIENT_ROLES }]));
      await caller.next(2);
      caller.transport.outgoing.next(JSON.stringify([48, 1, {}, 'com.big', ['small']]));
      const invocation = await callee.next(68);
      callee.transport.outgoing.next(JSON.stringify([70, invocation[1], {}, ['y'.repeat(2000)]]));
      const error = await caller.next(8);
      expect(error.slice(0, 5)).toEqual([8, 48, 1, {}, 'wamp.error.payload_size_exceeded']);
      expect(String((error[5] as unknown[])[0])).toContain('1024');
      // Still connected: a small result arrives.
      caller.transport.outgoing.next(JSON.stringify([48, 2, {}, 'com.big', ['small']]));
      const second = await callee.next(68);
      callee.transport.outgoing.next(JSON.stringify([70, second[1], {}, ['ok']]));
      expect((await caller.next(50)).slice(0, 4)).toEqual([50, 2, {}, ['ok']]);
      callee.transport.outgoing.complete();
      caller.transport.outgoing.complete();
    });


    it('aborts a RawSocket client whose announced limit cannot take the WELCOME', async () => {
      await start({});
      const peer = new BareRawSocket(portOf(server.urls[1]!), [0x7f, 0x01, 0, 0]); // 512 octets
      peer.send([1, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      await peer.until(() => peer.closed);
      expect(peer.messages(3).map((m) => m[2])).toEqual(['wamp.error.limit_exceeded.max_message_size']);
      expect(peer.messages(2)).toEqual([]);
      const left = await logs.next('session_left');
      expect(left.fields['reason']).toBe('wamp.error.limit_exceeded.max_message_size');
      expect(logs.named('limit_exceeded').map((l) => [l.fields['type'], l.fields['max']])).toEqual([['WELCOME', 512]]);
      expect(router.sessionCount).toBe(0);
      expect(router.realm('realm1')!.sessionCount).toBe(0);
    });
  });

  describe('idleTimeoutMs', () => {
    // The keepalive runs on timers: a mock clock moves them, so no spec depends on how fast
    // the machine is. Each round the clock moves one interval: the deadline of the last PING
    // passes and the next PING goes out. The alive peer answers it, and a request it sends
    // after its PONG comes back answered, which proves the router read the PONG before the
    // clock moves on.
    const INTERVAL = 50; // half of idleTimeoutMs 100: the PING interval and the PONG deadline

    beforeEach(() => jasmine.clock().install());
    afterEach(() => jasmine.clock().uninstall());

    it('drops a RawSocket peer that does not answer PING, and keeps one that does', async () => {
      await start({ idleTimeoutMs: 100 });
      const port = portOf(server.urls[1]!);
      const silent = new BareRawSocket(port, [0x7f, 0xf1, 0, 0]);
      const alive = new BareRawSocket(port, [0x7f, 0xf1, 0, 0]);
      alive.answerPings = true;
      silent.send([1, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      alive.send([1, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      await silent.until(() => silent.messages(2).length === 1);
      await alive.until(() => alive.messages(2).length === 1);
      const pings = (peer: BareRawSocket) => peer.frames.filter((f) => f.type === 1).length;
      for (let round = 1; round <= 4; round++) {
        jasmine.clock().tick(INTERVAL);
        await alive.until(() => pings(alive) >= round || alive.closed);
        alive.send([32, round, {}, `com.round${round}`]);
        await alive.until(() => alive.messages(33).length === round || alive.closed);
        if (round === 1) await silent.until(() => pings(silent) === 1);
        // Round 2's tick is the deadline of the first PING.
        if (round === 2) await silent.until(() => silent.closed);
      }
      expect(silent.frames.some((f) => f.type === 1)).withContext('was pinged first').toBeTrue();
      expect(logs.named('transport_failed').map((l) => l.fields['code'])).toEqual(['keepalive']);
      await alive.until(() => alive.frames.filter((f) => f.type === 1).length >= 4 || alive.closed);
      expect(alive.closed).toBeFalse();
      expect(router.realm('realm1')!.sessionCount).toBe(1);
      alive.socket.destroy();
    });

    it('drops a WebSocket peer that does not answer pings, and keeps one that does', async () => {
      await start({ idleTimeoutMs: 100 });
      const silent = new WebSocket(server.urls[0]!, ['wamp.2.json'], { autoPong: false });
      const alive = new WebSocket(server.urls[0]!, ['wamp.2.json']);
      let pings = 0;
      let answers = 0;
      let wake: (() => void) | undefined;
      alive.on('ping', () => {
        pings++;
        wake?.();
      });
      alive.on('message', () => {
        answers++;
        wake?.();
      });
      let aliveClosed = false;
      alive.on('close', () => {
        aliveClosed = true;
        wake?.();
      });
      const until = async (test: () => boolean): Promise<void> => {
        while (!test()) await new Promise<void>((resolve) => (wake = resolve));
      };
      const silentClosed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      await Promise.all([new Promise((resolve) => silent.once('open', resolve)), new Promise((resolve) => alive.once('open', resolve))]);
      alive.send(JSON.stringify([1, 'realm1', { roles: ALL_CLIENT_ROLES }]));
      await until(() => answers === 1 || aliveClosed);
      for (let round = 1; round <= 4; round++) {
        jasmine.clock().tick(INTERVAL);
        await until(() => pings >= round || aliveClosed);
        // ws answers a ping with a pong before it tells us about the ping.
        alive.send(JSON.stringify([32, round, {}, `com.round${round}`]));
        await until(() => answers === round + 1 || aliveClosed);
        // Round 2's tick is the deadline of the first ping.
        if (round === 2) expect(await silentClosed).toBe(1006);
      }
      await until(() => pings >= 4 || aliveClosed);
      expect(aliveClosed).toBeFalse();
      const closed = new Promise((resolve) => alive.once('close', resolve));
      alive.close();
      await closed;
    });

    it('is off with idleTimeoutMs 0', async () => {
      await start({ idleTimeoutMs: 0, handshakeTimeoutMs: 60_000 });
      const peer = new BareRawSocket(portOf(server.urls[1]!), [0x7f, 0xf1, 0, 0]);
      // The router has attached the connection (and armed its handshake timer) once it logs it.
      await logs.next('connection_opened');
      // Without a HELLO the handshake timeout ends it; it must not have been pinged before.
      jasmine.clock().tick(60_000);
      await peer.until(() => peer.closed);
      expect(peer.messages(3).map((m) => m[2])).toEqual(['wamp.error.limit_exceeded.handshake_timeout']);
      expect(peer.frames.some((f) => f.type === 1)).toBeFalse();
    });
  });
});
