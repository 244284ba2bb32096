import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';
import { ProtocolViolation } from '../protocol/errors.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import type { Serializer } from './serializer.js';

/**
 * msgpackr (Wampy.js's MessagePack) writes JS `undefined` as the extension 0 with one zero
 * byte, e.g. for an option left unset: it reads back as undefined, i.e. absent.
 */
const extensionCodec = new ExtensionCodec();
extensionCodec.register({ type: 0, encode: () => null, decode: () => undefined });

/**
 * The MessagePack serialization (`wamp.2.msgpack`, RawSocket id 2): spec v5, str and bin
 * distinct, integers above 2^32 as uint64 and decoded back to JS numbers (never BigInt).
 */
export class MsgpackSerializer implements Serializer {
  readonly id = 'msgpack' as const;
  readonly subprotocol = 'wamp.2.msgpack';
  readonly rawSocketId = 2;
  readonly binary = true;
  // One encoder and decoder per serializer: they reuse their buffers between messages.
  readonly #encoder = new Encoder({ ignoreUndefined: true });
  readonly #decoder = new Decoder({ extensionCodec });

  encode(message: WampMessage): Uint8Array {
    return this.#encoder.encode(message.toArray());
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
