import { decode, encode } from 'cborg';
import { ProtocolViolation } from '../protocol/errors.js';
import { takeEncodedTail } from '../protocol/lazy-arguments.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { appendElements } from './append-elements.js';
import { DECODE_OPTIONS, ENCODE_OPTIONS } from './cbor-options.js';
import type { Serializer } from './serializer.js';

/** The CBOR serialization (`wamp.2.cbor`, RawSocket id 3): RFC 8949, bytes as byte strings. */
export class CborSerializer implements Serializer {
  readonly id = 'cbor' as const;
  readonly subprotocol = 'wamp.2.cbor';
  readonly rawSocketId = 3;
  readonly binary = true;

  encode(message: WampMessage): Uint8Array {
    const array = message.toArray();
    // Arguments that arrived as CBOR go out as the bytes they arrived in.
    const tail = takeEncodedTail(array, this.id) as Uint8Array[] | undefined;
    const bytes = encode(array, ENCODE_OPTIONS);
    return tail === undefined ? bytes : appendElements(bytes, tail, 0x80, 0x1f);
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
