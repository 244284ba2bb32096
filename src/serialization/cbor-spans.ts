import { decode } from 'cborg';
import type { EncodedSpan } from '../protocol/lazy-arguments.js';
import { ARGUMENTS_INDEX, MAX_SCAN_DEPTH } from './spans.js';
import { DECODE_OPTIONS } from './cbor-options.js';
import type { FrameSplit } from './spans.js';
import { ItemScanner } from './item-scanner.js';

const keyText = new TextDecoder();

/**
 * Finds the byte ranges of Arguments and ArgumentsKw in a CBOR CALL, YIELD, PUBLISH or
 * ERROR, checking the whole frame's structure, lengths, strings and map keys (text, no
 * repeats). Undefined for any other frame, or one with anything the scanner does not vouch
 * for (tags, indefinite lengths, `undefined`, other simple values, truncation, trailing
 * bytes): the caller then decodes it whole, which accepts or refuses it as for any frame.
 * Lengths in more bytes than needed are valid CBOR and pass through as they are.
 */
export function splitCbor(frame: Uint8Array): FrameSplit<Uint8Array> | undefined {
  const head = frame[0]!;
  // WAMP messages have at most 7 elements: an array with its count in the header byte.
  if (head < 0x80 || head > 0x97) return undefined;
  const count = head & 0x1f;
  const scanner = new CborScanner(frame, 1);
  const code = scanner.unsigned();
  const at = code === undefined ? undefined : ARGUMENTS_INDEX.get(code);
  if (at === undefined || count <= at || count > at + 2) return undefined;
  for (let i = 1; i < at; i++) if (scanner.skip(0) < 0) return undefined;
  const spans = scanner.argumentSpans(count === at + 2, isList, isDict, cborSpan);
  if (spans === undefined) return undefined;
  // A copy (not `frame.slice`: on a Node Buffer, as `ws` and cborg hand out, that is a view).
  const envelope = new Uint8Array(frame.subarray(0, spans.start));
  envelope[0] = 0x80 | at;
  return { envelope, args: spans.args, kwargs: spans.kwargs };
}

const isList = (head: number): boolean => head >> 5 === 4;
const isDict = (head: number): boolean => head >> 5 === 5;

function cborSpan(encoded: Uint8Array, depth: number): EncodedSpan {
  const empty = new CborScanner(encoded, 0).count() === 0;
  return { format: 'cbor', encoded, empty, depth, decode: () => decode(encoded, DECODE_OPTIONS) };
}

/** Skips CBOR items, checking them; each `skip` says the item's nesting depth, or -1. */
class CborScanner extends ItemScanner {
  /** An unsigned integer item (major type 0), or undefined. */
  unsigned(): number | undefined {
    const b = this.bytes[this.pos];
    if (b === undefined || b >> 5 !== 0) return undefined;
    this.pos++;
    const n = this.#argument(b & 0x1f);
    return n < 0 ? undefined : n;
  }

  /** The count in the header of the array or map at `pos`. */
  count(): number {
    return this.#argument(this.bytes[this.pos++]! & 0x1f);
  }

  skip(depth: number): number {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) return -1;
    const b = bytes[this.pos++]!;
    const info = b & 0x1f;
    switch (b >> 5) {
      case 0:
      case 1:
        return this.#argument(info) < 0 ? -1 : 0;
      case 2:
        return this.skipBytes(this.#argument(info));
      case 3:
        return this.text(this.#argument(info));
      case 4:
        return this.array(this.#argument(info), depth);
      case 5:
        return this.#map(this.#argument(info), depth);
      case 7:
        // false, true, null; half, single and double floats.
        if (info >= 20 && info <= 22) return 0;
        if (info === 25) return this.skipBytes(2);
        if (info === 26) return this.skipBytes(4);
        if (info === 27) return this.skipBytes(8);
        return -1;
      default:
        // Tags: the decoder supports none.
        return -1;
    }
  }

  /** The argument of a header: inline below 24, else in the next 1, 2, 4 or 8 octets; -1 for indefinite, reserved or past the end. */
  #argument(info: number): number {
    if (info < 24) return info;
    if (info > 27) return -1;
    const size = 1 << (info - 24);
    const bytes = this.bytes;
    if (this.pos + size > bytes.length) return -1;
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + bytes[this.pos++]!;
    return n;
  }

  #map(n: number, depth: number): number {
    if (n < 0 || depth >= MAX_SCAN_DEPTH) return -1;
    const bytes = this.bytes;
    // The decoder refuses repeated keys: so must the scanner.
    const keys = n > 1 ? new Set<string>() : undefined;
    let deepest = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[this.pos];
      if (b === undefined || b >> 5 !== 3) return -1;
      this.pos++;
      const length = this.#argument(b & 0x1f);
      const start = this.pos;
      if (this.text(length) < 0) return -1;
      if (keys !== undefined) {
        const key = keyText.decode(bytes.subarray(start, this.pos));
        if (keys.has(key)) return -1;
        keys.add(key);
      }
      const inner = this.skip(depth + 1);
      if (inner < 0) return -1;
      if (inner > deepest) deepest = inner;
    }
    return deepest + 1;
  }
}
