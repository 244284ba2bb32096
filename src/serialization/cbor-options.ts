import type { DecodeOptions, EncodeOptions } from 'cborg';

// cborg writes every integral number as a CBOR integer (WAMP IDs up to 2^53 included)
// and Uint8Array as a byte string: plain CBOR that every WAMP peer reads. Keys keep their
// insertion order (a stable sort with a neutral comparator), as other WAMP encoders do.
/** How the CBOR serializer encodes. */
export const ENCODE_OPTIONS: EncodeOptions = { ignoreUndefinedProperties: true, mapSorter: () => 0 };

// Integers beyond 2^53 arrive as BigInt; message validation then refuses them as IDs.
// CBOR's `undefined` has no counterpart in WAMP's other serializations: it reads as null,
// so that every decoded message survives a re-encoding unchanged.
/** How the CBOR serializer decodes (frames, and Arguments kept encoded until read). */
export const DECODE_OPTIONS: DecodeOptions = { rejectDuplicateMapKeys: true, coerceUndefinedToNull: true };
