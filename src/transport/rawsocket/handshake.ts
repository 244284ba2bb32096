/**
 * The WAMP RawSocket opening handshake: 4 octets each way, `0x7F`, `LLLL SSSS`, `0x00`, `0x00`.
 * Pure: no I/O, no Node built-ins.
 */

/** The first octet of every handshake; never the first octet of an HTTP request. */
export const RAWSOCKET_MAGIC = 0x7f;

/** The smallest and largest maximum message length a handshake can announce (2^9 … 2^24). */
export const RAWSOCKET_MIN_MESSAGE_SIZE = 2 ** 9;
/** The largest maximum message length a handshake can announce (16 MiB). */
export const RAWSOCKET_MAX_MESSAGE_SIZE = 2 ** 24;

/** The serializer ids of the handshake's SSSS field. */
export const RawSocketSerializerId = { json: 1, msgpack: 2, cbor: 3 } as const;

/** The error codes of a refusing handshake reply (EEEE). */
export const RawSocketHandshakeErrorCode = {
  illegal: 0,
  serializerUnsupported: 1,
  maxLengthUnacceptable: 2,
  reservedBitsUsed: 3,
  maxConnectionCountReached: 4,
} as const;

const ERROR_REASONS: readonly string[] = [
  'illegal error code 0',
  'serializer unsupported',
  'maximum message length unacceptable',
  'use of reserved bits (unsupported feature)',
  'maximum connection count reached',
];

/** A human-readable reason for a handshake error code. */
export function handshakeErrorReason(code: number): string {
  return ERROR_REASONS[code] ?? `unknown error code ${code}`;
}

/** What a well-formed handshake octet sequence says. */
export type HandshakeMessage =
  | { readonly kind: 'accept'; readonly serializerId: number; readonly lengthExponent: number; readonly maxMessageSize: number }
  | { readonly kind: 'error'; readonly code: number; readonly reason: string };

/** Raised for 4 octets that are not a RawSocket handshake at all (bad magic, reserved bits). */
export class RawSocketHandshakeError extends Error {
  /** The error code a router answers with, when it answers at all (undefined: just close). */
  readonly replyCode: number | undefined;
  constructor(message: string, replyCode?: number) {
    super(message);
    this.name = 'RawSocketHandshakeError';
    this.replyCode = replyCode;
  }
}

/** The maximum message length that a LENGTH field value announces: 2^(9+L). */
export function maxMessageSizeOf(lengthExponent: number): number {
  return 2 ** (9 + lengthExponent);
}

/**
 * The LENGTH field for a receive limit: the largest 2^(9+L) not above `maxMessageSize`,
 * clamped to 0…15 (so a limit below 512 still announces 512).
 */
export function lengthExponentFor(maxMessageSize: number): number {
  if (!(maxMessageSize >= RAWSOCKET_MIN_MESSAGE_SIZE)) return 0;
  const exponent = Math.floor(Math.log2(Math.min(maxMessageSize, RAWSOCKET_MAX_MESSAGE_SIZE))) - 9;
  return Math.max(0, Math.min(15, exponent));
}

function checkNibble(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 15) throw new RangeError(`${what} must be an integer 0..15, got ${value}`);
}

/** The 4 octets of a handshake request or accepting reply. */
export function encodeHandshake(serializerId: number, lengthExponent: number): Uint8Array {
  checkNibble(serializerId, 'serializer id');
  checkNibble(lengthExponent, 'length exponent');
  if (serializerId === 0) throw new RangeError('serializer id 0 is illegal');
  return Uint8Array.of(RAWSOCKET_MAGIC, (lengthExponent << 4) | serializerId, 0, 0);
}

/** The 4 octets of a refusing reply. */
export function encodeHandshakeError(code: number): Uint8Array {
  checkNibble(code, 'error code');
  if (code === 0) throw new RangeError('handshake error code 0 must not be used');
  return Uint8Array.of(RAWSOCKET_MAGIC, code << 4, 0, 0);
}

/**
 * Reads 4 handshake octets (from `offset`). A zero SSSS nibble is an error reply (as a
 * client reads it). Throws RawSocketHandshakeError for a wrong magic octet or non-zero
 * reserved octets.
 */
export function decodeHandshake(bytes: Uint8Array, offset = 0): HandshakeMessage {
  if (bytes.length - offset < 4) throw new RangeError('a RawSocket handshake has 4 octets');
  if (bytes[offset] !== RAWSOCKET_MAGIC) {
    throw new RawSocketHandshakeError(`not a RawSocket handshake: first octet is 0x${bytes[offset]!.toString(16).padStart(2, '0')}, not 0x7f`);
  }
  if (bytes[offset + 2] !== 0 || bytes[offset + 3] !== 0) {
    throw new RawSocketHandshakeError('RawSocket handshake uses reserved octets 3 and 4', RawSocketHandshakeErrorCode.reservedBitsUsed);
  }
  const second = bytes[offset + 1]!;
  const serializerId = second & 0x0f;
  const high = second >> 4;
  if (serializerId === 0) return { kind: 'error', code: high, reason: handshakeErrorReason(high) };
  return { kind: 'accept', serializerId, lengthExponent: high, maxMessageSize: maxMessageSizeOf(high) };
}

/** A router's decision on a client's handshake request. */
export type HandshakeAnswer =
  | { readonly accepted: true; readonly reply: Uint8Array; readonly serializerId: number; readonly peerMaxMessageSize: number }
  | { readonly accepted: false; readonly reply: Uint8Array | undefined; readonly code: number; readonly reason: string };

/**
 * How a router answers a client's 4 request octets: echo the serializer with its own
 * LENGTH when it speaks it, else an error reply (or no reply at all for a bad magic octet,
 * which the spec says fails the connection).
 */
export function answerHandshake(
  request: Uint8Array,
  options: { readonly serializerIds: readonly number[]; readonly lengthExponent: number; readonly refuseWith?: number },
): HandshakeAnswer {
  let message: HandshakeMessage;
  try {
    message = decodeHandshake(request);
  } catch (err) {
    const failure = err as RawSocketHandshakeError;
    const code = failure.replyCode ?? RawSocketHandshakeErrorCode.illegal;
    return { accepted: false, reply: failure.replyCode === undefined ? undefined : encodeHandshakeError(code), code, reason: failure.message };
  }
  const refuse = (code: number, reason: string): HandshakeAnswer => ({ accepted: false, reply: encodeHandshakeError(code), code, reason });
  if (message.kind === 'error') return refuse(RawSocketHandshakeErrorCode.serializerUnsupported, 'client requested the illegal serializer id 0');
  if (!options.serializerIds.includes(message.serializerId)) {
    return refuse(RawSocketHandshakeErrorCode.serializerUnsupported, `serializer id ${message.serializerId} is not supported`);
  }
  if (options.refuseWith !== undefined) return refuse(options.refuseWith, handshakeErrorReason(options.refuseWith));
  return {
    accepted: true,
    reply: encodeHandshake(message.serializerId, options.lengthExponent),
    serializerId: message.serializerId,
    peerMaxMessageSize: message.maxMessageSize,
  };
}
