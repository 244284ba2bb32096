import { decode, encode } from 'cborg';
import type { Dict } from '../../protocol/dict.js';
import { messageFromArray } from '../../protocol/message.js';
import type { WampMessage } from '../../protocol/message.js';

// CBOR carries what WAMP messages may hold (bytes of payload passthru, integers up to
// 2^53) in one compact frame; the same encoding as the wamp.2.cbor serializer.
const ENCODE = { ignoreUndefinedProperties: true, mapSorter: () => 0 };
const DECODE = { coerceUndefinedToNull: true };

/** A cluster message as bytes. */
export function pack(value: Dict): Uint8Array {
  return encode(value, ENCODE);
}

/** A cluster message from bytes; undefined for bytes that are not one (never throws). */
export function unpack(bytes: Uint8Array): Dict | undefined {
  try {
    const value: unknown = decode(bytes, DECODE);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
  } catch {
    return undefined;
  }
}

/** A WAMP message from its array form inside a cluster message; undefined when malformed. */
export function messageOf(value: unknown): WampMessage | undefined {
  try {
    return messageFromArray(value);
  } catch {
    return undefined;
  }
}

/** Turns null (CBOR's reading of a missing value) back into undefined. */
export function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}
