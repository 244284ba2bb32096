import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cborg';
import { messageFromArray } from '../../src/protocol/message.js';
import { Router } from '../../src/router/index.js';
import { LimitErrors } from '../../src/router/limits.js';
import { LAZY_ARGUMENTS_FROM } from '../../src/serialization/forwarding.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { RawPeer } from '../support/raw-peer.js';

/** A string that makes a frame large enough for the router to keep its arguments encoded. */
const PAD = 'p'.repeat(LAZY_ARGUMENTS_FROM);
const te = new TextEncoder();

function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A MessagePack str header and bytes. */
function mpStr(text: string): Uint8Array {
  const bytes = te.encode(text);
  return concat(bytes.length < 32 ? [0xa0 | bytes.length] : [0xdb, 0, (bytes.length >> 16) & 0xff, (bytes.length >> 8) & 0xff, bytes.length & 0xff], bytes);
}

/** A CBOR text string, its length in the 4-octet form (more than needed: not what cborg would write). */
function cborText(text: string): Uint8Array {
  const bytes = te.encode(text);
  return concat([0x7a, 0, (bytes.length >> 16) & 0xff, (bytes.length >> 8) & 0xff, bytes.length & 0xff], bytes);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * How each serialization writes a message head by hand, and an Arguments / ArgumentsKw
 * whose encoding a decode and re-encode would change: JSON `1.0`, spaces and `\u00e9`;
 * MessagePack 1 as uint16, 2 as a float64, a str32 header; CBOR lengths and 1 in more
 * octets than needed.
 */
interface Codec {
  readonly protocol: string;
  /** A whole frame: the head's elements encoded normally, then the raw tail. */
  frame(head: unknown[], ...tail: Array<string | Uint8Array>): string | Uint8Array;
  readonly args: string | Uint8Array;
  readonly kwargs: string | Uint8Array;
  /** The values `args` and `kwargs` hold. */
  readonly values: readonly [unknown[], Record<string, unknown>];
}

const json: Codec = {
  protocol: 'wamp.2.json',
  frame: (head, ...tail) => `${JSON.stringify(head).slice(0, -1)},${(tail as string[]).join(' , ')}]`,
  args: `[1.0, "caf\\u00e9" , "${PAD}"]`,
  kwargs: `{ "n" : 1e2 }`,
  values: [[1, 'café', PAD], { n: 100 }],
};

const msgpackSerializer = serializerFor('msgpack')!;
const msgpack: Codec = {
  protocol: 'wamp.2.msgpack',
  frame: (head, ...tail) => {
    const encoded = msgpackSerializer.encode(messageFromArray(head)) as Uint8Array;
    // Re-head the array: head elements plus the raw ones.
    return concat([0x90 | (head.length + tail.length)], encoded.subarray(1), ...(tail as Uint8Array[]));
  },
  args: concat([0x93, 0xcd, 0x00, 0x01, 0xcb, 0x40, 0, 0, 0, 0, 0, 0, 0], mpStr(PAD)),
  kwargs: concat([0x81], mpStr('n'), [0xcd, 0x00, 0x64]),
  values: [[1, 2, PAD], { n: 100 }],
};

const cborSerializer = serializerFor('cbor')!;
const cbor: Codec = {
  protocol: 'wamp.2.cbor',
  frame: (head, ...tail) => {
    const encoded = cborSerializer.encode(messageFromArray(head)) as Uint8Array;
    return concat([0x80 | (head.length + tail.length)], encoded.subarray(1), ...(tail as Uint8Array[]));
  },
  args: concat([0x98, 0x02, 0x19, 0x00, 0x01], cborText(PAD)),
  kwargs: concat([0xb8, 0x01], cborText('n'), [0x18, 0x64]),
  values: [[1, PAD], { n: 100 }],
};

/** Does `frame` end with the raw `tail` elements, byte for byte (JSON: character for character)? */
function endsWithRaw(frame: string | Uint8Array, codec: Codec, ...tail: Array<string | Uint8Array>): boolean {
  if (typeof frame === 'string') return frame.endsWith(`,${(tail as string[]).join(',')}]`);
  const raw = concat(...(tail as Uint8Array[]));
  return codec !== json && equalBytes(frame.subarray(frame.length - raw.length), raw);
}

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
