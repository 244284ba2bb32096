import type { Dict } from './dict.js';

/**
 * An Arguments list or ArgumentsKw dictionary still in the encoding it arrived in: a
 * router forwards it to peers of the same serialization as it is, and decodes it only
 * when something reads it. The serializer that found it has checked it is well formed.
 */
export interface EncodedSpan {
  /** The serialization it is encoded in (`'json'`, `'msgpack'`, `'cbor'`). */
  readonly format: string;
  /** The encoding of the list or dictionary, exactly as the peer sent it. */
  readonly encoded: string | Uint8Array;
  /** True for an empty list or dictionary. */
  readonly empty: boolean;
  /** How deeply lists and dictionaries nest in it, itself included (`[]` is 1, `[{}]` is 2). */
  readonly depth: number;
  /** The decoded value (a list or a dictionary); called once, on the first read. */
  decode(): unknown;
}

/** The key under which a lazy value answers with its state; module-private, so only this file reads it. */
const LAZY = Symbol('lazy-arguments');

/**
 * The proxy's behaviour: every ordinary operation first decodes the span into the
 * target (once), then acts on the target. A write detaches the span: the value is then
 * the router's own, and encoders must encode it rather than forward the original bytes.
 * Writes into nested values are not seen; the router reads what it forwards, never edits it.
 */
class LazyValue<T extends object> implements ProxyHandler<T> {
  readonly span: EncodedSpan;
  readonly target: T;
  #decoded = false;
  /** Set by any write: the span no longer says what the value holds. */
  modified = false;

  constructor(span: EncodedSpan, target: T) {
    this.span = span;
    this.target = target;
  }

  /** The decoded value, without going through the proxy. */
  value(): T {
    if (!this.#decoded) {
      this.#decoded = true;
      fill(this.target, this.span.decode());
    }
    return this.target;
  }

  get(_target: T, key: string | symbol): unknown {
    if (key === LAZY) return this;
    return Reflect.get(this.value(), key);
  }
  has(_target: T, key: string | symbol): boolean {
    return Reflect.has(this.value(), key);
  }
  ownKeys(): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.value());
  }
  getOwnPropertyDescriptor(_target: T, key: string | symbol): PropertyDescriptor | undefined {
    return Reflect.getOwnPropertyDescriptor(this.value(), key);
  }
  set(_target: T, key: string | symbol, value: unknown): boolean {
    this.modified = true;
    return Reflect.set(this.value(), key, value);
  }
  defineProperty(_target: T, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    this.modified = true;
    return Reflect.defineProperty(this.value(), key, descriptor);
  }
  deleteProperty(_target: T, key: string | symbol): boolean {
    this.modified = true;
    return Reflect.deleteProperty(this.value(), key);
  }
}

/** Copies a decoded list or dictionary into the (empty) target of its proxy. */
function fill(target: object, decoded: unknown): void {
  if (Array.isArray(target)) {
    const list = decoded as unknown[];
    for (let i = 0; i < list.length; i++) target.push(list[i]);
    return;
  }
  const source = decoded as Dict;
  const dict = target as Dict;
  for (const key of Object.keys(source)) {
    // A plain assignment of '__proto__' would set the prototype instead of a key.
    if (key === '__proto__') Object.defineProperty(dict, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else dict[key] = source[key];
  }
}

/** An Arguments list that decodes `span` when first read. */
export function lazyList(span: EncodedSpan): unknown[] {
  const target: unknown[] = [];
  return new Proxy(target, new LazyValue(span, target));
}

/** An ArgumentsKw dictionary that decodes `span` when first read. */
export function lazyDict(span: EncodedSpan): Dict {
  const target: Dict = {};
  return new Proxy(target, new LazyValue(span, target));
}

function stateOf(value: unknown): LazyValue<object> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // A plain array or object has no such key: one failed property lookup on the hot path.
  return (value as { [LAZY]?: LazyValue<object> })[LAZY];
}

/** The encoding a lazy value still stands for; undefined for any other value, or one that was written to. */
export function encodedSpanOf(value: unknown): EncodedSpan | undefined {
  const state = stateOf(value);
  return state === undefined || state.modified ? undefined : state.span;
}

/** The plain value behind a lazy one (decoding it if need be); any other value as it is. */
export function plainValueOf<T>(value: T): T {
  const state = stateOf(value);
  return state === undefined ? value : (state.value() as T);
}

/**
 * Prepares the array form of a message for encoding in `format`: trailing Arguments and
 * ArgumentsKw still encoded in `format` are removed from `array` and returned, in order,
 * for the serializer to append unchanged; other lazy values in those places are replaced
 * by their plain values (so encoders do not go through the proxy). Undefined when
 * nothing is left to append.
 */
export function takeEncodedTail(array: unknown[], format: string): Array<string | Uint8Array> | undefined {
  let tail: Array<string | Uint8Array> | undefined;
  let end = array.length;
  for (let i = end - 1; i >= array.length - 2 && i > 0; i--) {
    const state = stateOf(array[i]);
    if (state === undefined) continue;
    if (i === end - 1 && !state.modified && state.span.format === format) {
      (tail ??= []).unshift(state.span.encoded);
      end = i;
    } else {
      array[i] = state.value();
    }
  }
  if (tail !== undefined) array.length = end;
  return tail;
}
