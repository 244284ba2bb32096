import type { EncodedSpan } from '../protocol/lazy-arguments.js';
import { MAX_SCAN_DEPTH } from './spans.js';
import { isValidUtf8 } from './utf8-valid.js';

/** Where Arguments start in a frame, and the spans of Arguments and ArgumentsKw. */
export interface ArgumentSpans {
  readonly start: number;
  readonly args: EncodedSpan;
  readonly kwargs: EncodedSpan | undefined;
}

/**
 * What the MessagePack and CBOR scanners share: a position in the frame, and skipping raw
 * bytes, UTF-8 text and arrays of items. Each method answers a nesting depth, or -1 for
 * something the scanner does not vouch for (the frame is then decoded whole).
 */
export abstract class ItemScanner {
  protected readonly bytes: Uint8Array;
  /** The offset of the next unread octet. */
  pos: number;

  constructor(bytes: Uint8Array, pos: number) {
    this.bytes = bytes;
    this.pos = pos;
  }

  /** Skips one item at nesting `depth`: its own depth (0 for a scalar), or -1. */
  abstract skip(depth: number): number;

  protected skipBytes(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) return -1;
    this.pos += n;
    return 0;
  }

  protected text(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length || !isValidUtf8(this.bytes, this.pos, this.pos + n)) return -1;
    this.pos += n;
    return 0;
  }

  protected array(n: number, depth: number): number {
    if (n < 0 || depth >= MAX_SCAN_DEPTH) return -1;
    let deepest = 0;
    for (let i = 0; i < n; i++) {
      const inner = this.skip(depth + 1);
      if (inner < 0) return -1;
      if (inner > deepest) deepest = inner;
    }
    return deepest + 1;
  }

  /**
   * From here to the end of the frame: Arguments, then ArgumentsKw when `withKwargs`.
   * Undefined when an item's head is not a list (a dict), an item does not scan, or bytes trail.
   */
  argumentSpans(
    withKwargs: boolean,
    isList: (head: number) => boolean,
    isDict: (head: number) => boolean,
    span: (encoded: Uint8Array, depth: number) => EncodedSpan,
  ): ArgumentSpans | undefined {
    const start = this.pos;
    const args = this.#span(isList, span);
    if (args === undefined) return undefined;
    let kwargs: EncodedSpan | undefined;
    if (withKwargs && (kwargs = this.#span(isDict, span)) === undefined) return undefined;
    if (this.pos !== this.bytes.length) return undefined;
    return { start, args, kwargs };
  }

  #span(isKind: (head: number) => boolean, span: (encoded: Uint8Array, depth: number) => EncodedSpan): EncodedSpan | undefined {
    const start = this.pos;
    if (start >= this.bytes.length || !isKind(this.bytes[start]!)) return undefined;
    const depth = this.skip(0);
    return depth < 0 ? undefined : span(this.bytes.subarray(start, this.pos), depth);
  }
}
