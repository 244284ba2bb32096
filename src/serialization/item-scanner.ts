import { MAX_SCAN_DEPTH } from './spans.js';
import { isValidUtf8 } from './utf8-valid.js';

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
}
