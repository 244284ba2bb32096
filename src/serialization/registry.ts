import { CborSerializer } from './cbor.js';
import { JsonSerializer } from './json.js';
import { MsgpackSerializer } from './msgpack.js';
import type { Serializer, SerializerName } from './serializer.js';

/** A fresh instance of each serialization rxwamp speaks, in order of preference. */
export function createSerializers(): Serializer[] {
  return [new JsonSerializer(), new MsgpackSerializer(), new CborSerializer()];
}

/** The WebSocket subprotocols rxwamp speaks. */
export const SUBPROTOCOLS: readonly string[] = ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor'];

/**
 * A new serializer for a name (`'json'`), a WebSocket subprotocol (`'wamp.2.cbor'`) or a
 * RawSocket serializer id (2); undefined for one rxwamp does not speak.
 */
export function serializerFor(key: SerializerName | string | number): Serializer | undefined {
  switch (key) {
    case 'json':
    case 'wamp.2.json':
    case 1:
      return new JsonSerializer();
    case 'msgpack':
    case 'wamp.2.msgpack':
    case 2:
      return new MsgpackSerializer();
    case 'cbor':
    case 'wamp.2.cbor':
    case 3:
      return new CborSerializer();
    default:
      return undefined;
  }
}
