import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cborg';
import { Router } from '../../src/router/index.js';
import { LimitErrors } from '../../src/router/limits.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { cbor, cborText, concat, endsWithRaw, json, mpStr, msgpack, PAD } from '../support/forwarding-codecs.js';
import { RawPeer } from '../support/raw-peer.js';

describe('Router: large arguments are forwarded as they arrived, not decoded and re-encoded', () => {
  let router: Router;
  let peers: RawPeer[];
  const welcomes = new Map<RawPeer, unknown[]>();

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }], limits: { maxPayloadDepth: 16 } });
    peers = [];
  });

  afterEach(async () => {
    for (const peer of peers) peer.cut();
    await router.close();
  });

  async function peer(protocol: string): Promise<RawPeer> {
    const p = new RawPeer(router, protocol);
    peers.push(p);
    welcomes.set(p, await p.join('realm1'));
    return p;
  }

  /** The last frame a peer received, the one of the message it awaited last. */
  function lastFrame(p: RawPeer): string | Uint8Array {
    return p.frames[p.frames.length - 1]!;
  }

  for (const codec of [json, msgpack, cbor]) {
    describe(`over ${codec.protocol}`, () => {
      it('CALL → INVOCATION, YIELD → RESULT and a callee ERROR carry the bytes unchanged', async () => {
        const callee = await peer(codec.protocol);
        const caller = await peer(codec.protocol);
        callee.send(64, 1, {}, 'com.example.echo');
        await callee.next(65);

        caller.sendFrame(codec.frame([48, 1, {}, 'com.example.echo'], codec.args, codec.kwargs));
        const invocation = await callee.next(68);
        expect(endsWithRaw(lastFrame(callee), codec, codec.args, codec.kwargs)).toBeTrue();
        expect(invocation.slice(4)).toEqual([...codec.values]);

        callee.sendFrame(codec.frame([70, invocation[1], {}], codec.args, codec.kwargs));
        const result = await caller.next(50);
        expect(endsWithRaw(lastFrame(caller), codec, codec.args, codec.kwargs)).toBeTrue();
        expect(result.slice(3)).toEqual([...codec.values]);

        caller.sendFrame(codec.frame([48, 2, {}, 'com.example.echo'], codec.args));
        const second = await callee.next(68);
        expect(endsWithRaw(lastFrame(callee), codec, codec.args)).toBeTrue();
        callee.sendFrame(codec.frame([8, 68, second[1], {}, 'com.example.failed'], codec.args, codec.kwargs));
        const error = await caller.next(8);
        expect(endsWithRaw(lastFrame(caller), codec, codec.args, codec.kwargs)).toBeTrue();
        expect(error.slice(4)).toEqual(['com.example.failed', ...codec.values]);
      });

      it('PUBLISH → EVENT carries the bytes unchanged to every subscriber, and to a late one of a retained event', async () => {
        const subscribers = [await peer(codec.protocol), await peer(codec.protocol)];
        const publisher = await peer(codec.protocol);
        for (const s of subscribers) {
          s.send(32, 1, {}, 'com.example.topic');
          await s.next(33);
        }
        publisher.sendFrame(codec.frame([16, 1, { retain: true }, 'com.example.topic'], codec.args, codec.kwargs));
        for (const s of subscribers) {
          const event = await s.next(36);
          expect(endsWithRaw(lastFrame(s), codec, codec.args, codec.kwargs)).toBeTrue();
          expect(event.slice(4)).toEqual([...codec.values]);
        }
        const late = await peer(codec.protocol);
        late.send(32, 1, { get_retained: true }, 'com.example.topic');
        const retained = await late.next(36);
        expect(endsWithRaw(lastFrame(late), codec, codec.args, codec.kwargs)).toBeTrue();
        expect(retained.slice(4)).toEqual([...codec.values]);
      });

      it("the router's own procedures still read arguments kept encoded", async () => {
        const caller = await peer(codec.protocol);
        const other = await peer(codec.protocol);
        const session = RawPeer.sessionOf(welcomes.get(other)!);
        const args = codec === json ? `[${session}]` : codec === msgpack ? encodeMsgpack([session]) : encodeCbor([session]);
        const kwargs = codec === json ? `{"pad":"${PAD}"}` : codec === msgpack ? encodeMsgpack({ pad: PAD }) : encodeCbor({ pad: PAD });
        caller.sendFrame(codec.frame([48, 1, {}, 'wamp.session.get'], args, kwargs));
        const result = await caller.nextOf([50, 8]);
        expect(result[0]).toBe(50);
        expect((result[3] as Array<Record<string, unknown>>)[0]!['session']).toBe(session);
      });

      it('keeps events whose arguments stayed encoded in the event history, readable through the meta API', async () => {
        await router.close();
        router = new Router({ realms: [{ name: 'realm1', history: [{ uri: 'com.example.kept', limit: 2 }] }] });
        const subscriber = await peer(codec.protocol);
        const publisher = await peer(codec.protocol);
        subscriber.send(32, 1, {}, 'com.example.kept');
        const [, , subscription] = await subscriber.next(33);
        publisher.sendFrame(codec.frame([16, 1, { acknowledge: true }, 'com.example.kept'], codec.args, codec.kwargs));
        await publisher.next(17);
        subscriber.send(48, 2, {}, 'wamp.subscription.get_events', [subscription]);
        const result = await subscriber.nextOf([50, 8]);
        expect(result[0]).toBe(50);
        const [[event]] = result[3] as [Array<Record<string, unknown>>];
        expect([event!['args'], event!['kwargs']]).toEqual([...codec.values]);
      });

      it('refuses malformed or truncated arguments with the same ABORT as a frame decoded whole', async () => {
        const caller = await peer(codec.protocol);
        const frame = codec.frame([48, 1, {}, 'com.example.echo'], codec.args, codec.kwargs);
        // Cut the frame in the middle of the long string.
        const truncated = frame.slice(0, frame.length - 20);
        let expected = '';
        try {
          serializerFor(codec.protocol)!.decode(truncated);
        } catch (e) {
          expected = (e as Error).message;
        }
        expect(expected).not.toBe('');
        caller.sendFrame(truncated);
        const abort = await caller.next(3);
        expect(abort[2]).toBe('wamp.error.protocol_violation');
        expect((abort[1] as Record<string, unknown>)['message']).toBe(expected);
      });

      it('holds arguments kept encoded to the nesting limit', async () => {
        const caller = await peer(codec.protocol);
        const depth = 20;
        const nested = codec === json ? `${'['.repeat(depth)}"${PAD}"${']'.repeat(depth)}` : codec === msgpack ? concat(new Array(depth).fill(0x91), mpStr(PAD)) : concat(new Array(depth).fill(0x81), cborText(PAD));
        caller.sendFrame(codec.frame([48, 1, {}, 'com.example.echo'], nested));
        const abort = await caller.next(3);
        expect(abort[2]).toBe(LimitErrors.maxPayloadDepth);
      });
    });
  }

  describe('between serializations', () => {
    for (const [from, to] of [
      [json, msgpack],
      [msgpack, cbor],
      [cbor, json],
    ] as const) {
      it(`delivers the decoded values from ${from.protocol} to ${to.protocol}`, async () => {
        const callee = await peer(to.protocol);
        const caller = await peer(from.protocol);
        callee.send(64, 1, {}, 'com.example.echo');
        await callee.next(65);
        caller.sendFrame(from.frame([48, 1, {}, 'com.example.echo'], from.args, from.kwargs));
        const invocation = await callee.next(68);
        expect(invocation.slice(4)).toEqual([...from.values]);
      });
    }

    it("revives WAMP's binary convention of JSON text for a MessagePack callee, and keeps it as text for a JSON one", async () => {
      const binaryCallee = await peer('wamp.2.msgpack');
      const textCallee = await peer('wamp.2.json');
      const caller = await peer('wamp.2.json');
      binaryCallee.send(64, 1, { invoke: 'roundrobin' }, 'com.example.bytes');
      await binaryCallee.next(65);
      textCallee.send(64, 1, { invoke: 'roundrobin' }, 'com.example.bytes');
      await textCallee.next(65);
      const args = `["\\u0000AQID", "${PAD}"]`;
      caller.sendFrame(json.frame([48, 1, {}, 'com.example.bytes'], args));
      caller.sendFrame(json.frame([48, 2, {}, 'com.example.bytes'], args));
      const [bytes] = (await binaryCallee.next(68)).slice(4) as [[Uint8Array, string]];
      expect(bytes[0]).toEqual(new Uint8Array([1, 2, 3]));
      const revived = await textCallee.next(68);
      expect((revived[4] as unknown[])[0]).toEqual(new Uint8Array([1, 2, 3]));
      expect(endsWithRaw(lastFrame(textCallee), json, args)).toBeTrue();
    });
  });
});
