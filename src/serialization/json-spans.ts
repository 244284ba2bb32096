import type { EncodedSpan } from '../protocol/lazy-arguments.js';
import { ARGUMENTS_INDEX, MAX_SCAN_DEPTH } from './spans.js';
import type { FrameSplit } from './spans.js';
import { revive } from './json-bytes.js';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const CONTROL = /[\u0000-\u001f]/g;

/**
 * Finds the raw text of Arguments and ArgumentsKw in a CALL, YIELD, PUBLISH or ERROR,
 * checking that the whole frame is valid JSON. Undefined for any other frame, or one with
 * anything unexpected in it: the caller then decodes it whole, which reports what is wrong
 * exactly as for any frame.
 */
export function splitJson(text: string): FrameSplit<string> | undefined {
  return new JsonScanner(text).split();
}

/**
 * A validating JSON scanner that builds no values. Strings, where large payloads live,
 * are crossed with native searches: `indexOf` for the closing quote and for backslashes,
 * one regular expression for control characters; each search result is kept while the
 * scan has not passed it, so that every character is searched once.
 */
class JsonScanner {
  readonly #text: string;
  #pos = 0;
  #nextBackslash = -1;
  #nextControl = -1;

  constructor(text: string) {
    this.#text = text;
  }

  split(): FrameSplit<string> | undefined {
    const text = this.#text;
    this.#space();
    if (text.charCodeAt(this.#pos) !== 0x5b /* [ */) return undefined;
    this.#pos++;
    this.#space();
    const start = this.#pos;
    if (this.#value(0) !== 0) return undefined;
    const code = Number(text.slice(start, this.#pos));
    const at = ARGUMENTS_INDEX.get(code);
    if (at === undefined) return undefined;
    let envelopeEnd = this.#pos;
    const spans: EncodedSpan[] = [];
    for (let i = 1; ; i++) {
      this.#space();
      const c = text.charCodeAt(this.#pos++);
      if (c === 0x5d /* ] */) break;
      if (c !== 0x2c /* , */ || i > at + 1) return undefined;
      this.#space();
      const from = this.#pos;
      const depth = this.#value(0);
      if (depth < 0) return undefined;
      if (i < at) {
        envelopeEnd = this.#pos;
        continue;
      }
      // Arguments must be a list, ArgumentsKw a dictionary (a null Arguments, or a payload of passthru mode, is decoded whole).
      if (text.charCodeAt(from) !== (i === at ? 0x5b : 0x7b) /* [ or { */) return undefined;
      spans.push(jsonSpan(text.slice(from, this.#pos), depth));
    }
    this.#space();
    if (this.#pos !== text.length || spans.length === 0) return undefined;
    return { envelope: text.slice(0, envelopeEnd) + ']', args: spans[0]!, kwargs: spans[1] };
  }

  #space(): void {
    const text = this.#text;
    let c = text.charCodeAt(this.#pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.#pos);
  }

  /** Scans one value; its nesting depth (0 for a scalar), or -1 when it is not valid JSON. */
  #value(depth: number): number {
    const text = this.#text;
    const c = text.charCodeAt(this.#pos);
    switch (c) {
      case 0x22 /* " */:
        return this.#string() ? 0 : -1;
      case 0x5b /* [ */:
      case 0x7b /* { */:
        return depth >= MAX_SCAN_DEPTH ? -1 : this.#container(c === 0x7b, depth + 1);
      case 0x74 /* t */:
        return this.#literal('true');
      case 0x66 /* f */:
        return this.#literal('false');
      case 0x6e /* n */:
        return this.#literal('null');
      default:
        NUMBER.lastIndex = this.#pos;
        if (!NUMBER.test(text)) return -1;
        this.#pos = NUMBER.lastIndex;
        return 0;
    }
  }

  #literal(word: string): number {
    if (!this.#text.startsWith(word, this.#pos)) return -1;
    this.#pos += word.length;
    return 0;
  }

  /** A list or dictionary at `#pos`; its depth (this one counted), or -1. */
  #container(isDict: boolean, depth: number): number {
    const text = this.#text;
    const close = isDict ? 0x7d : 0x5d;
    this.#pos++;
    this.#space();
    if (text.charCodeAt(this.#pos) === close) {
      this.#pos++;
      return 1;
    }
    let deepest = 0;
    for (;;) {
      if (isDict) {
        if (text.charCodeAt(this.#pos) !== 0x22 || !this.#string()) return -1;
        this.#space();
        if (text.charCodeAt(this.#pos++) !== 0x3a /* : */) return -1;
        this.#space();
      }
      const inner = this.#value(depth);
      if (inner < 0) return -1;
      if (inner > deepest) deepest = inner;
      this.#space();
      const c = text.charCodeAt(this.#pos++);
      if (c === close) return deepest + 1;
      if (c !== 0x2c) return -1;
      this.#space();
    }
  }

  /** A string at `#pos` (on its opening quote): valid escapes, no raw control characters. */
  #string(): boolean {
    const text = this.#text;
    const start = this.#pos + 1;
    let from = start;
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) return false;
      const backslash = this.#backslashFrom(from);
      if (backslash < quote) {
        from = escapeEnd(text, backslash);
        if (from < 0) return false;
        continue;
      }
      if (this.#controlFrom(start) < quote) return false;
      this.#pos = quote + 1;
      return true;
    }
  }

  #backslashFrom(from: number): number {
    if (this.#nextBackslash < from) {
      const at = this.#text.indexOf('\\', from);
      this.#nextBackslash = at < 0 ? Infinity : at;
    }
    return this.#nextBackslash;
  }

  #controlFrom(from: number): number {
    if (this.#nextControl < from) {
      CONTROL.lastIndex = from;
      const match = CONTROL.exec(this.#text);
      this.#nextControl = match === null ? Infinity : match.index;
    }
    return this.#nextControl;
  }
}

/** Where the escape sequence at `at` (a backslash) ends, or -1 when it is not one JSON allows. */
function escapeEnd(text: string, at: number): number {
  const c = text.charCodeAt(at + 1);
  // " \ / b f n r t
  if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) return at + 2;
  if (c !== 0x75 /* u */) return -1;
  for (let i = at + 2; i < at + 6; i++) {
    const h = text.charCodeAt(i);
    const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
    if (!hex) return -1;
  }
  return at + 6;
}

function jsonSpan(encoded: string, depth: number): EncodedSpan {
  return {
    format: 'json',
    encoded,
    empty: isEmptyContainer(encoded),
    depth,
    // WAMP's binary convention: only text that escapes U+0000 can hold bytes.
    decode: () => {
      const value: unknown = JSON.parse(encoded);
      return encoded.includes('\\u0000') ? revive(value) : value;
    },
  };
}

function isEmptyContainer(encoded: string): boolean {
  for (let i = 1; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i === encoded.length - 1;
  }
  return false;
}
