import type { Dict } from '../../protocol/dict.js';
import type { WampMessage } from '../../protocol/message.js';
import { isDict } from '../../protocol/dict.js';
import type { PayloadCipher } from './payload-cipher.js';
import { PayloadError } from './payload-error.js';
import { PAYLOAD_SERIALIZERS } from './payload-serializers.js';
import { pptModeOf } from './ppt-mode.js';
import type { PptMode } from './ppt-mode.js';

/** What a payload unpacks to. */
export interface UnpackedPayload {
  readonly args: unknown[];
  readonly kwargs: Dict;
}

const utf8 = new TextEncoder();
const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Packs args and kwargs into the single Arguments item of Payload Passthru Mode and back:
 * `{args, kwargs}` serialized with `ppt_serializer` (`native`: as it is), then encrypted
 * with the {@link PayloadCipher} that `ppt_cipher` names. One per session.
 */
export class PayloadPassthru {
  readonly #ciphers: ReadonlyMap<string, PayloadCipher>;

  constructor(ciphers: readonly PayloadCipher[] = []) {
    this.#ciphers = new Map(ciphers.map((c) => [c.name, c]));
  }

  /** The Arguments list of a passthru message: one item. Throws a PayloadError when it cannot be packed. */
  pack(args: unknown[] | undefined, kwargs: Dict | undefined, mode: PptMode): unknown[] {
    const content: Dict = { args: args ?? [] };
    if (kwargs !== undefined && Object.keys(kwargs).length > 0) content['kwargs'] = kwargs;
    const serializerName = serializerOf(mode);
    if (serializerName === 'native') {
      if (mode.ppt_cipher !== undefined) throw new PayloadError(`ppt_cipher ${mode.ppt_cipher} needs a byte serializer (json, msgpack or cbor), not native`);
      return [content];
    }
    const serializer = PAYLOAD_SERIALIZERS[serializerName];
    if (serializer === undefined) throw new PayloadError(`unknown ppt_serializer '${serializerName}' (rxwamp packs native, json, msgpack and cbor)`);
    let bytes: Uint8Array | string;
    try {
      bytes = serializer.encode(content);
    } catch (err) {
      throw new PayloadError(`the payload cannot be serialized with ${serializerName}: ${describe(err)}`, { cause: err });
    }
    if (mode.ppt_cipher === undefined) return [bytes];
    const cipher = this.#cipher(mode);
    try {
      return [cipher.encrypt(typeof bytes === 'string' ? utf8.encode(bytes) : bytes, mode.ppt_keyid)];
    } catch (err) {
      throw new PayloadError(`the payload cannot be encrypted with ${cipher.name}${keyText(mode)}: ${describe(err)}`, { cause: err });
    }
  }

  /**
   * The args and kwargs of a received passthru message (`item`: its single Arguments
   * item). A payload in a serialization rxwamp does not know (MQTT, a custom one) is
   * handed over as it is, as `args: [item]`. Throws a PayloadError when it cannot be read.
   */
  unpack(item: unknown, mode: PptMode): UnpackedPayload {
    const serializerName = serializerOf(mode);
    let data = item;
    if (mode.ppt_cipher !== undefined) {
      if (!(data instanceof Uint8Array)) throw new PayloadError(`an encrypted (${mode.ppt_cipher}) payload must be binary`);
      const cipher = this.#cipher(mode);
      try {
        data = cipher.decrypt(data, mode.ppt_keyid);
      } catch (err) {
        throw new PayloadError(`the payload cannot be decrypted with ${cipher.name}${keyText(mode)}: ${describe(err)}`, { cause: err });
      }
    }
    let content: unknown = data;
    if (serializerName !== 'native') {
      const serializer = PAYLOAD_SERIALIZERS[serializerName];
      if (serializer === undefined) return { args: [data], kwargs: {} };
      if (!(data instanceof Uint8Array) && typeof data !== 'string') throw new PayloadError(`a ${serializerName} payload must be binary`);
      try {
        content = serializer.decode(data);
      } catch (err) {
        throw new PayloadError(`the payload is not valid ${serializerName}: ${describe(err)}`, { cause: err });
      }
    }
    if (!isDict(content)) throw new PayloadError(`the payload must hold a dictionary of args and kwargs`);
    const args = content['args'];
    const kwargs = content['kwargs'];
    // Peers leave out (or send undefined/null for) the half they do not use.
    return { args: Array.isArray(args) ? args : [], kwargs: isPlainDict(kwargs) ? kwargs : {} };
  }

  /** Can results be sent back in `mode`? Not when it names a serialization rxwamp does not pack (MQTT, custom). */
  canPack(mode: PptMode): boolean {
    const name = serializerOf(mode);
    return (name === 'native' || PAYLOAD_SERIALIZERS[name] !== undefined) && (mode.ppt_cipher === undefined || this.#ciphers.has(mode.ppt_cipher));
  }

  #cipher(mode: PptMode): PayloadCipher {
    const cipher = this.#ciphers.get(mode.ppt_cipher!);
    if (cipher === undefined) throw new PayloadError(`no cipher ${mode.ppt_cipher} is configured (pass one in the client's payloadCiphers option)`);
    return cipher;
  }
}

/** A dictionary of plain data (not a decoder's extension object standing for `undefined`). */
function isPlainDict(value: unknown): value is Dict {
  if (!isDict(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The serializer of a mode: as named; else cbor for an encrypted payload, native for a plain one. */
export function serializerOf(mode: PptMode): string {
  return mode.ppt_serializer ?? (mode.ppt_cipher !== undefined ? 'cbor' : 'native');
}

const keyText = (mode: PptMode): string => (mode.ppt_keyid === undefined ? '' : ` and key '${mode.ppt_keyid}'`);

/**
 * The args and kwargs of an inbound RESULT, ERROR, EVENT or INVOCATION: as they are, or
 * unpacked when its Details carry `ppt_scheme`. Throws a PayloadError when it cannot be read.
 */
export function payloadOf(passthru: PayloadPassthru, message: WampMessage): UnpackedPayload {
  const mode = pptModeOf(message.auxiliary);
  if (mode === undefined) return { args: message.args, kwargs: message.kwargs };
  return passthru.unpack(message.payload !== undefined ? message.payload : message.args[0], mode);
}
