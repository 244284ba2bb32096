import { decode, encode } from 'cborg';
import type { DecodeOptions, EncodeOptions } from 'cborg';
import { ProtocolViolation } from '../protocol/errors.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import type { Serializer } from './serializer.js';

// cborg writes every integral number as a CBOR integer (WAMP IDs up to 2^53 included)
// and Uint8Array as a byte string: plain CBOR that every WAMP peer reads. Keys keep their
// insertion order (a stable sort with a neutral comparator), as other WAMP encoders do.
const ENCODE_OPTIONS: EncodeOptions = { ignoreUndefinedProperties: true, mapSorter: () => 0 };
// Integers beyond 2^53 arrive as BigInt; message validation then refuses them as IDs.
// CBOR's `undefined` has no counterpart in WAMP's other serializations: it reads as null,
// so that every decoded message survives a re-encoding unchanged.
const DECODE_OPTIONS: DecodeOptions = { rejectDuplicateMapKeys: true, coerceUndefinedToNull: true };

/** The CBOR serialization (`wamp.2.cbor`, RawSocket id 3): RFC 8949, bytes as byte strings. */
export class CborSerializer implements Serializer {
  readonly id = 'cbor' as const;
  readonly subprotocol = 'wamp.2.cbor';
  readonly rawSocketId = 3;
  readonly binary = true;

  encode(message: WampMessage): Uint8Array {
    return encode(message.toArray(), ENCODE_OPTIONS);
  }

  decode(frame: string | Uint8Array): WampMessage {
    if (typeof frame === 'string') throw new ProtocolViolation('CBOR messages must be binary, got text');
    let value: unknown;
    try {
      value = decode(frame, DECODE_OPTIONS);
    } catch (e) {
      throw new ProtocolViolation(`invalid CBOR: ${e instanceof Error ? e.message : String(e)}`);
    }
    return messageFromArray(value);
  }
}
