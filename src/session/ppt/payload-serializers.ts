import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { decode as cborDecode, encode as cborEncode } from 'cborg';
import { bytesReplacer, containsBytes, revive } from '../../serialization/json-bytes.js';

/** Serializes a Payload Passthru Mode payload to bytes and back (values in, values out). */
export interface PayloadSerializer {
  encode(value: unknown): Uint8Array;
  /** Decodes bytes (or, for JSON, the text some peers send instead). Throws on malformed input. */
  decode(item: Uint8Array | string): unknown;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

const json: PayloadSerializer = {
  encode: (value) => utf8Encoder.encode(containsBytes(value) ? JSON.stringify(value, bytesReplacer) : JSON.stringify(value)),
  // Wampy.js puts the JSON text itself into Arguments; the specification asks for bytes. Both read.
  decode: (item) => revive(JSON.parse(typeof item === 'string' ? item : utf8Decoder.decode(item))),
};

const msgpack: PayloadSerializer = {
  encode: (value) => msgpackEncode(value, { ignoreUndefined: true }),
  decode: (item) => {
    if (typeof item === 'string') throw new TypeError('a MessagePack payload must be binary');
    return msgpackDecode(item);
  },
};

const cbor: PayloadSerializer = {
  encode: (value) => cborEncode(value, { ignoreUndefinedProperties: true }),
  decode: (item) => {
    if (typeof item === 'string') throw new TypeError('a CBOR payload must be binary');
    return cborDecode(item, { coerceUndefinedToNull: true });
  },
};

/** The byte serializers by `ppt_serializer` name (`native` needs none: the payload travels as it is). */
export const PAYLOAD_SERIALIZERS: Readonly<Record<string, PayloadSerializer>> = { json, msgpack, cbor };
