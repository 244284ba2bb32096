/**
 * A raw WAMP peer for the load generators: it speaks WAMP arrays directly over `ws` or a
 * TCP socket with RawSocket framing, with no client library in between, so that the
 * figures measure the router (or the floor relay), not a client.
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { Decoder, Encoder } from '@msgpack/msgpack';
import WebSocket from 'ws';

/** The serializations the raw peer speaks. */
export type Codec = 'json' | 'msgpack';

/** One connected raw WAMP peer. */
export interface RawPeer {
  /** Sends one WAMP message (an array). */
  send(message: unknown[]): void;
  /** Called with every WAMP message received. */
  onMessage: (message: unknown[]) => void;
  /** Closes the connection. */
  close(): void;
}

const encoder = new Encoder();
const decoder = new Decoder();
const RAWSOCKET_SERIALIZER: Record<Codec, number> = { json: 1, msgpack: 2 };

/** Connects to `ws://…` or `rs://host:port` with the given serialization. */
export function connectRaw(url: string, codec: Codec): Promise<RawPeer> {
  return url.startsWith('rs://') ? connectRawSocket(url, codec) : connectWebSocket(url, codec);
}

function connectWebSocket(url: string, codec: Codec): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, codec === 'json' ? 'wamp.2.json' : 'wamp.2.msgpack', { perMessageDeflate: false });
    const peer: RawPeer = {
      send: codec === 'json' ? (m) => ws.send(JSON.stringify(m)) : (m) => ws.send(encoder.encode(m)),
      onMessage: () => undefined,
      close: () => ws.terminate(),
    };
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      peer.onMessage((isBinary ? decoder.decode(data) : JSON.parse(data.toString())) as unknown[]);
    });
    ws.once('open', () => resolve(peer));
    ws.once('error', reject);
  });
}

function connectRawSocket(url: string, codec: Codec): Promise<RawPeer> {
  const { hostname, port } = new URL(url.replace(/^rs:/, 'http:'));
  return new Promise((resolve, reject) => {
    const socket: Socket = netConnect({ host: hostname, port: Number(port), noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      // Handshake: magic, max length 2^24 (L=15) and the serializer.
      socket.write(Uint8Array.of(0x7f, 0xf0 | RAWSOCKET_SERIALIZER[codec], 0, 0));
    });
    let pending: Buffer = Buffer.alloc(0);
    let handshaken = false;
    const peer: RawPeer = {
      send: (m) => {
        const payload = codec === 'json' ? Buffer.from(JSON.stringify(m)) : encoder.encode(m);
        const header = Buffer.allocUnsafe(4);
        header.writeUInt32BE(payload.length, 0);
        socket.write(Buffer.concat([header, payload]));
      },
      onMessage: () => undefined,
      close: () => socket.destroy(),
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!handshaken) {
        if (pending.length < 4) return;
        if (pending[0] !== 0x7f || (pending[1]! & 0x0f) === 0) return reject(new Error('RawSocket handshake refused'));
        handshaken = true;
        pending = pending.subarray(4);
        resolve(peer);
      }
      while (pending.length >= 4) {
        const type = pending[0]! & 0x07;
        const length = pending.readUInt32BE(0) & 0x00ffffff;
        if (pending.length < 4 + length) break;
        const payload = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        if (type === 1) {
          // PING: answer with a PONG carrying the same payload.
          const pong = Buffer.concat([Buffer.from([2, 0, 0, 0]), payload]);
          pong.writeUIntBE(length, 1, 3);
          socket.write(pong);
        } else if (type === 0) {
          peer.onMessage((codec === 'json' ? JSON.parse(payload.toString()) : decoder.decode(payload)) as unknown[]);
        }
      }
    });
  });
}

/** Joins a realm: HELLO, then waits for WELCOME. */
export function join(peer: RawPeer, realm: string): Promise<number> {
  return new Promise((resolve, reject) => {
    peer.onMessage = (m) => {
      if (m[0] === 2) resolve(m[1] as number);
      else reject(new Error(`expected WELCOME, got ${JSON.stringify(m).slice(0, 200)}`));
    };
    peer.send([1, realm, { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }]);
  });
}

/** Connects and joins in one step. */
export async function session(url: string, codec: Codec, realm = 'realm1'): Promise<RawPeer> {
  const peer = await connectRaw(url, codec);
  await join(peer, realm);
  return peer;
}

/**
 * Sends many request messages over one peer with a bounded window, resolving once every
 * one is answered (SUBSCRIBED, REGISTERED, …). `make(i, request)` builds the i-th message.
 */
export function pipelined(peer: RawPeer, count: number, window: number, make: (i: number, request: number) => unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const next = (): void => {
      if (sent < count) {
        sent++;
        peer.send(make(sent - 1, sent));
      }
    };
    peer.onMessage = (m) => {
      if (m[0] === 8) return reject(new Error(`request refused: ${JSON.stringify(m).slice(0, 200)}`));
      answered++;
      if (answered === count) resolve();
      else next();
    };
    if (count === 0) return resolve();
    for (let i = 0; i < window && i < count; i++) next();
  });
}
