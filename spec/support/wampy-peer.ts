import { CborSerializer } from 'wampy/CborSerializer.js';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import type { SerializerName } from '../../src/serialization/serializer.js';

/** Wampy.js 8's own serializer for each of ours, for interop specs. */
export const WAMPY_SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
} as const satisfies Record<SerializerName, () => unknown>;
