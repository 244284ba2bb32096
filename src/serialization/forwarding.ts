import { layoutOfName } from '../protocol/message-table.js';
import type { MessageName } from '../protocol/message-table.js';
import { lazyDict, lazyList } from '../protocol/lazy-arguments.js';
import type { EncodedSpan } from '../protocol/lazy-arguments.js';
import type { DecodeOptions } from './serializer.js';

/**
 * From this frame size on (octets, or UTF-16 units for JSON text), a router keeps
 * Arguments encoded ({@link DecodeOptions.lazyArgumentsFrom}). Measured with
 * `npm run bench:forwarding` (CPU per CALL forwarded): around 300 octets the scan, the
 * envelope decoded apart and the proxies cost more than decoding and re-encoding (JSON 2
 * to 4 times more); from about 1 KiB they cost less, or as much (one long CBOR string,
 * whose decode and encode are native copies). 4 KiB leaves a margin above the break-even,
 * and keeps the small messages of the hot path on the plain decode.
 */
export const LAZY_ARGUMENTS_FROM = 4 * 1024;

/** Nesting deeper than this is not scanned: the frame is decoded whole, and the router's depth limit judges it. */
export const MAX_SCAN_DEPTH = 100;

const FORWARDED: readonly MessageName[] = ['CALL', 'YIELD', 'PUBLISH', 'ERROR'];

/** For the messages a router forwards, by code: the index of Arguments in the array form. */
export const ARGUMENTS_INDEX: ReadonlyMap<number, number> = new Map(
  FORWARDED.map((name) => {
    const layout = layoutOfName(name);
    return [layout.code, layout.fields.findIndex((f) => f[1] === 'args') + 1];
  }),
);

/** The array form of a message from its decoded envelope and the spans of its Arguments and ArgumentsKw. */
export function withLazyArguments(envelope: unknown[], args: EncodedSpan, kwargs: EncodedSpan | undefined): unknown[] {
  envelope.push(lazyList(args));
  if (kwargs !== undefined) envelope.push(lazyDict(kwargs));
  return envelope;
}

/** A binary frame split for forwarding: the envelope re-encoded as a shorter array, and the spans. */
export interface BinarySplit {
  /** The frame without Arguments and ArgumentsKw, still an encoded array. */
  readonly envelope: Uint8Array;
  readonly args: EncodedSpan;
  readonly kwargs: EncodedSpan | undefined;
}

/** Appends encoded elements to an encoded array whose header is one byte `marker | count`. */
export function appendElements(array: Uint8Array, tail: readonly Uint8Array[], marker: number, mask: number): Uint8Array {
  const count = (array[0]! & mask) + tail.length;
  if ((array[0]! & ~mask) !== marker || count > mask) throw new Error('an array of a WAMP message must have a one-byte header');
  let length = array.length;
  for (const part of tail) length += part.length;
  const out = new Uint8Array(length);
  out.set(array);
  out[0] = marker | count;
  let at = array.length;
  for (const part of tail) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
