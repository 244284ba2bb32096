import { WebSocket } from 'ws';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { cbor, endsWithRaw, json, msgpack } from '../support/forwarding-codecs.js';
import type { Codec } from '../support/forwarding-codecs.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';

/** A WAMP peer over a real WebSocket: frames sent as given, frames received kept as they arrived. */
class SocketPeer {
  readonly frames: Array<string | Uint8Array> = [];
  readonly #ws: WebSocket;
  readonly #codec: Codec;
  #wake: (() => void) | undefined;

  constructor(url: string, codec: Codec) {
    this.#codec = codec;
    this.#ws = new WebSocket(url, [codec.protocol]);
    this.#ws.on('message', (data: Buffer, binary: boolean) => {
      this.frames.push(binary ? new Uint8Array(data) : data.toString('utf8'));
      this.#wake?.();
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve) => this.#ws.once('open', () => resolve()));
  }

  send(frame: string | Uint8Array): void {
    this.#ws.send(frame, { binary: typeof frame !== 'string' });
  }

  sendMessage(...message: unknown[]): void {
    this.send(this.#codec.frame(message));
  }

  /** The next frame holding a message with this code, and the message. */
  async next(code: number): Promise<{ frame: string | Uint8Array; message: unknown[] }> {
    const serializer = serializerFor(this.#codec.protocol)!;
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) {
        const message = serializer.decode(frame).toArray();
        if (message[0] === code) return { frame, message };
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): void {
    this.#ws.close();
  }
}

describe('A router over WebSocket forwards large arguments byte for byte', () => {
  let router: Router;
  let server: RouterServer;
  let peers: SocketPeer[];

  beforeEach(async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { port: 0, path: '/ws' } });
    peers = [];
  });

  afterEach(async () => {
    for (const peer of peers) peer.close();
    await server.close();
    await router.close();
  });

  async function peer(codec: Codec): Promise<SocketPeer> {
    const p = new SocketPeer(server.urls[0]!, codec);
    peers.push(p);
    await p.opened();
    p.sendMessage(1, 'realm1', { roles: ALL_CLIENT_ROLES });
    await p.next(2);
    return p;
  }

  for (const codec of [json, msgpack, cbor]) {
    it(`CALL → INVOCATION and YIELD → RESULT over ${codec.protocol}`, async () => {
      const callee = await peer(codec);
      const caller = await peer(codec);
      callee.sendMessage(64, 1, {}, 'com.example.echo');
      await callee.next(65);
      caller.send(codec.frame([48, 1, {}, 'com.example.echo'], codec.args, codec.kwargs));
      const invocation = await callee.next(68);
      expect(endsWithRaw(invocation.frame, codec, codec.args, codec.kwargs)).toBeTrue();
      expect(invocation.message.slice(4)).toEqual([...codec.values]);
      callee.send(codec.frame([70, invocation.message[1], {}], codec.args, codec.kwargs));
      const result = await caller.next(50);
      expect(endsWithRaw(result.frame, codec, codec.args, codec.kwargs)).toBeTrue();
      expect(result.message.slice(3)).toEqual([...codec.values]);
    });
  }
});
