import { messageFromArray } from '../../src/protocol/message.js';
import { LAZY_ARGUMENTS_FROM } from '../../src/serialization/forwarding.js';
import { serializerFor } from '../../src/serialization/registry.js';

/** A string that makes a frame large enough for the router to keep its arguments encoded. */
export const PAD = 'p'.repeat(LAZY_ARGUMENTS_FROM);
const te = new TextEncoder();

/** The parts, one after the other, in one byte array. */
export function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A MessagePack str header and bytes. */
export function mpStr(text: string): Uint8Array {
  const bytes = te.encode(text);
  return concat(bytes.length < 32 ? [0xa0 | bytes.length] : [0xdb, 0, (bytes.length >> 16) & 0xff, (bytes.length >> 8) & 0xff, bytes.length & 0xff], bytes);
}

/** A CBOR text string, its length in the 4-octet form (more than needed: not what cborg would write). */
export function cborText(text: string): Uint8Array {
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
export interface Codec {
  readonly protocol: string;
  /** A whole frame: the head's elements encoded normally, then the raw tail. */
  frame(head: unknown[], ...tail: Array<string | Uint8Array>): string | Uint8Array;
  readonly args: string | Uint8Array;
  readonly kwargs: string | Uint8Array;
  /** The values `args` and `kwargs` hold. */
  readonly values: readonly [unknown[], Record<string, unknown>];
}

/** JSON: `1.0`, spaces and a `\\u00e9` escape. */
export const json: Codec = {
  protocol: 'wamp.2.json',
  frame: (head, ...tail) => (tail.length === 0 ? JSON.stringify(head) : `${JSON.stringify(head).slice(0, -1)},${(tail as string[]).join(' , ')}]`),
  args: `[1.0, "caf\\u00e9" , "${PAD}"]`,
  kwargs: `{ "n" : 1e2 }`,
  values: [[1, 'café', PAD], { n: 100 }],
};

const msgpackSerializer = serializerFor('msgpack')!;
/** MessagePack: 1 as a uint16, 2 as a float64, str32 headers. */
export const msgpack: Codec = {
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
/** CBOR: an array length, 1 and a string length in more octets than needed. */
export const cbor: Codec = {
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
export function endsWithRaw(frame: string | Uint8Array, codec: Codec, ...tail: Array<string | Uint8Array>): boolean {
  if (typeof frame === 'string') return frame.endsWith(`,${(tail as string[]).join(',')}]`);
  const raw = concat(...(tail as Uint8Array[]));
  return codec !== json && equalBytes(frame.subarray(frame.length - raw.length), raw);
}
