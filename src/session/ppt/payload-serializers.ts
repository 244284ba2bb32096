import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { decode as cborDecode, encode as cborEncode } from 'cborg';
import { bytesReplacer, containsBytes, revive } from '../../serialization/json-bytes.js';

/** Serializes a Payload Passthru Mode payload and back (values in, values out). */
export interface PayloadSerializer {
  /** Bytes; JSON gives its text (a cipher encrypts the text's UTF-8 bytes). */
  encode(value: unknown): Uint8Array | string;
  /** Decodes bytes (or, for JSON, the text some peers send instead). Throws on malformed input. */
  decode(item: Uint8Array | string): unknown;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// JSON travels as its text: the form Wampy.js sends and reads, and over a JSON transport
// it is not inflated by base64. UTF-8 bytes (the specification's "binary item") read too.
const json: PayloadSerializer = {
  encode: (value) => (containsBytes(value) ? JSON.stringify(value, bytesReplacer) : JSON.stringify(value)),
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
