import { Decoder } from '@msgpack/msgpack';
import type { EncodedSpan } from '../protocol/lazy-arguments.js';
import { ARGUMENTS_INDEX, MAX_SCAN_DEPTH } from './spans.js';
import type { FrameSplit } from './spans.js';
import { ItemScanner } from './item-scanner.js';

// Spans hold no extension types (the scanner declines them), so a plain decoder reads them.
const spanDecoder = new Decoder();

/**
 * Finds the byte ranges of Arguments and ArgumentsKw in a MessagePack CALL, YIELD, PUBLISH
 * or ERROR, checking the whole frame's structure, lengths and strings. Undefined for any
 * other frame, or one with anything the scanner does not vouch for (extension types, map
 * keys other than strings and numbers, invalid UTF-8, truncation, trailing bytes): the
 * caller then decodes it whole, which accepts or refuses it exactly as for any frame.
 */
export function splitMsgpack(frame: Uint8Array): FrameSplit<Uint8Array> | undefined {
  const head = frame[0]!;
  // WAMP messages have at most 7 elements: a fixarray.
  if ((head & 0xf0) !== 0x90) return undefined;
  const count = head & 0x0f;
  const code = frame[1]!;
  const at = code < 0x80 ? ARGUMENTS_INDEX.get(code) : undefined;
  if (at === undefined || count <= at || count > at + 2) return undefined;
  const scanner = new MsgpackScanner(frame, 1);
  for (let i = 0; i < at; i++) if (scanner.skip(0) < 0) return undefined;
  const spans = scanner.argumentSpans(count === at + 2, isList, isDict, msgpackSpan);
  if (spans === undefined) return undefined;
  // A copy (not `frame.slice`: on a Node Buffer, as `ws` and cborg hand out, that is a view).
  const envelope = new Uint8Array(frame.subarray(0, spans.start));
  envelope[0] = 0x90 | at;
  return { envelope, args: spans.args, kwargs: spans.kwargs };
}

// fixarray, array16, array32; fixmap, map16, map32.
const isList = (head: number): boolean => (head & 0xf0) === 0x90 || head === 0xdc || head === 0xdd;
const isDict = (head: number): boolean => (head & 0xf0) === 0x80 || head === 0xde || head === 0xdf;

function msgpackSpan(encoded: Uint8Array, depth: number): EncodedSpan {
  const head = encoded[0]!;
  // fixarray/fixmap carry the count in the header; array16/32, map16/32 after it.
  const empty = (head & 0xe0) === 0x80 ? (head & 0x0f) === 0 : encoded.length === (head === 0xdc || head === 0xde ? 3 : 5);
  return { format: 'msgpack', encoded, empty, depth, decode: () => spanDecoder.decode(encoded) };
}

/** Skips MessagePack items, checking them; each `skip` says the item's nesting depth, or -1. */
class MsgpackScanner extends ItemScanner {
  skip(depth: number): number {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) return -1;
    const b = bytes[this.pos++]!;
    if (b <= 0x7f || b >= 0xe0) return 0;
    if (b <= 0x8f) return this.#map(b & 0x0f, depth);
    if (b <= 0x9f) return this.array(b & 0x0f, depth);
    if (b <= 0xbf) return this.text(b & 0x1f);
    switch (b) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        return 0;
      case 0xc4:
        return this.skipBytes(this.#uint(1));
      case 0xc5:
        return this.skipBytes(this.#uint(2));
      case 0xc6:
        return this.skipBytes(this.#uint(4));
      case 0xca:
      case 0xd2:
      case 0xce:
        return this.skipBytes(4);
      case 0xcb:
      case 0xcf:
      case 0xd3:
        return this.skipBytes(8);
      case 0xcc:
      case 0xd0:
        return this.skipBytes(1);
      case 0xcd:
      case 0xd1:
        return this.skipBytes(2);
      case 0xd9:
        return this.text(this.#uint(1));
      case 0xda:
        return this.text(this.#uint(2));
      case 0xdb:
        return this.text(this.#uint(4));
      case 0xdc:
        return this.array(this.#uint(2), depth);
      case 0xdd:
        return this.array(this.#uint(4), depth);
      case 0xde:
        return this.#map(this.#uint(2), depth);
      case 0xdf:
        return this.#map(this.#uint(4), depth);
      default:
        // 0xc1 (never used) and the extension types.
        return -1;
    }
  }

  /** A big-endian length of `size` octets, or -1 past the end. */
  #uint(size: number): number {
    const bytes = this.bytes;
    if (this.pos + size > bytes.length) return -1;
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + bytes[this.pos++]!;
    return n;
  }

  #map(n: number, depth: number): number {
    if (n < 0 || depth >= MAX_SCAN_DEPTH) return -1;
    const bytes = this.bytes;
    let deepest = 0;
    for (let i = 0; i < n; i++) {
      const key = bytes[this.pos]!;
      // The decoder takes string and number keys only, and refuses '__proto__'.
      const isString = (key >= 0xa0 && key <= 0xbf) || (key >= 0xd9 && key <= 0xdb);
      const isNumber = key <= 0x7f || key >= 0xe0 || (key >= 0xca && key <= 0xd3);
      if (!isString && !isNumber) return -1;
      const keyStart = this.pos;
      if (this.skip(depth + 1) < 0) return -1;
      if (isString) {
        const content = keyStart + (key <= 0xbf ? 1 : key === 0xd9 ? 2 : key === 0xda ? 3 : 5);
        if (this.pos - content === PROTO.length && isProto(bytes, content)) return -1;
      }
      const inner = this.skip(depth + 1);
      if (inner < 0) return -1;
      if (inner > deepest) deepest = inner;
    }
    return deepest + 1;
  }
}

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // __proto__

function isProto(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < PROTO.length; i++) if (bytes[at + i] !== PROTO[i]) return false;
  return true;
}
