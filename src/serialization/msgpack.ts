import { Decoder, Encoder, ExtData, ExtensionCodec } from '@msgpack/msgpack';
import { ProtocolViolation } from '../protocol/errors.js';
import { takeEncodedTail } from '../protocol/lazy-arguments.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { appendElements } from './append-elements.js';
import type { Serializer } from './serializer.js';

/**
 * msgpackr (Wampy.js's MessagePack library) writes JavaScript `undefined` as fixext 1 of type 0
 * holding one zero byte; MessagePack has no undefined, so it reads as nil (an option not given).
 * Any other type-0 extension stays an extension, which no WAMP field accepts.
 */
const MSGPACKR_UNDEFINED_TYPE = 0;
const extensions = new ExtensionCodec();
extensions.register({
  type: MSGPACKR_UNDEFINED_TYPE,
  encode: () => null,
  decode: (data) => (data.length === 1 && data[0] === 0 ? null : new ExtData(MSGPACKR_UNDEFINED_TYPE, data)),
});

/**
 * The MessagePack serialization (`wamp.2.msgpack`, RawSocket id 2): spec v5, str and bin
 * distinct, integers above 2^32 as uint64 and decoded back to JS numbers (never BigInt);
 * msgpackr's encoding of `undefined` reads as nil.
 */
export class MsgpackSerializer implements Serializer {
  readonly id = 'msgpack' as const;
  readonly subprotocol = 'wamp.2.msgpack';
  readonly rawSocketId = 2;
  readonly binary = true;
  // One encoder and decoder per serializer: they reuse their buffers between messages.
  readonly #encoder = new Encoder({ ignoreUndefined: true });
  readonly #decoder = new Decoder({ extensionCodec: extensions });

  encode(message: WampMessage): Uint8Array {
    const array = message.toArray();
    // Arguments that arrived as MessagePack go out as the bytes they arrived in.
    const tail = takeEncodedTail(array, this.id) as Uint8Array[] | undefined;
    const bytes = this.#encoder.encode(array);
    return tail === undefined ? bytes : appendElements(bytes, tail, 0x90, 0x0f);
  }

  decode(frame: string | Uint8Array): WampMessage {
    if (typeof frame === 'string') throw new ProtocolViolation('MessagePack messages must be binary, got text');
    let value: unknown;
    try {
      value = this.#decoder.decode(frame);
    } catch (e) {
      throw new ProtocolViolation(`invalid MessagePack: ${e instanceof Error ? e.message : String(e)}`);
    }
    return messageFromArray(value);
  }
}
