import type { WampMessage } from '../protocol/message.js';

/** The names of the serializations rxwamp speaks. */
export type SerializerName = 'json' | 'msgpack' | 'cbor';

/**
 * Turns WAMP messages into frames and back. `decode` throws ProtocolViolation, and
 * nothing else, on bytes that are not a valid WAMP message.
 */
export interface Serializer {
  /** `'json'`, `'msgpack'` or `'cbor'`. */
  readonly id: SerializerName;
  /** The WebSocket subprotocol: `wamp.2.json`, `wamp.2.msgpack`, `wamp.2.cbor`. */
  readonly subprotocol: string;
  /** The RawSocket serializer id: 1 JSON, 2 MessagePack, 3 CBOR. */
  readonly rawSocketId: number;
  /** True when frames are bytes (WebSocket binary frames); JSON travels as text. */
  readonly binary: boolean;
  /** A message as a frame: a string for JSON, bytes for the others. */
  encode(message: WampMessage): string | Uint8Array;
  /** A frame (text or bytes) as a message. */
  decode(frame: string | Uint8Array): WampMessage;
}
