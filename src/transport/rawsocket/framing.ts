/**
 * RawSocket framing: a 4-octet prefix `RRRR XTTT` + 24-bit big-endian length, then the
 * payload. X is the 25th length bit, legal only for a payload of exactly 2^24 octets.
 * Pure: no I/O, no Node built-ins.
 */

/** The transport message types of the TTT field. */
export const RawSocketFrameType = { message: 0, ping: 1, pong: 2 } as const;

/** A RawSocket frame type: 0 WAMP message, 1 PING, 2 PONG. */
export type RawSocketFrameTypeId = (typeof RawSocketFrameType)[keyof typeof RawSocketFrameType];

/** One decoded RawSocket transport message. */
export interface RawSocketFrame {
  readonly type: RawSocketFrameTypeId;
  readonly payload: Uint8Array;
}

/** The length of the frame prefix. */
export const FRAME_HEADER_SIZE = 4;
/** The largest payload a frame can carry (2^24, using the 25th length bit). */
export const MAX_FRAME_PAYLOAD = 2 ** 24;

/** Why a byte stream is not valid RawSocket framing; `code` is `'too_large'` or `'framing'`. */
export class FramingError extends Error {
  /** `'too_large'` for a frame over the receive limit, `'framing'` for reserved bits or types. */
  readonly code: 'too_large' | 'framing';
  constructor(code: 'too_large' | 'framing', message: string) {
    super(message);
    this.name = 'FramingError';
    this.code = code;
  }
}

/** Writes a frame prefix for `type` and `length` into `target` at `offset`. */
export function writeFrameHeader(target: Uint8Array, offset: number, type: RawSocketFrameTypeId, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD) {
    throw new RangeError(`a RawSocket frame carries 0..2^24 octets, not ${length}`);
  }
  target[offset] = (length === MAX_FRAME_PAYLOAD ? 0x08 : 0) | type;
  target[offset + 1] = (length >>> 16) & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = length & 0xff;
}

/** The 4 prefix octets for a frame of `type` carrying `length` octets. */
export function encodeFrameHeader(type: RawSocketFrameTypeId, length: number): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_SIZE);
  writeFrameHeader(header, 0, type, length);
  return header;
}

/** A whole frame (prefix and payload) in one buffer. */
export function encodeFrame(type: RawSocketFrameTypeId, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  writeFrameHeader(frame, 0, type, payload.length);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

/**
 * Reads a frame prefix; throws FramingError for reserved bits, reserved types, or a
 * length over `maxLength`. Returns the type and payload length.
 */
export function decodeFrameHeader(b0: number, b1: number, b2: number, b3: number, maxLength: number): { type: RawSocketFrameTypeId; length: number } {
  const type = b0 & 0x07;
  const low = (b1 << 16) | (b2 << 8) | b3;
  const length = b0 & 0x08 ? MAX_FRAME_PAYLOAD + low : low;
  if (b0 & 0xf0 || (b0 & 0x08 && low !== 0)) {
    throw new FramingError('framing', `RawSocket frame prefix uses reserved bits (first octet 0x${b0.toString(16).padStart(2, '0')})`);
  }
  if (type > 2) throw new FramingError('framing', `RawSocket frame type ${type} is reserved`);
  if (length > maxLength) {
    throw new FramingError('too_large', `RawSocket frame of ${length} octets exceeds the maximum of ${maxLength}`);
  }
  return { type: type as RawSocketFrameTypeId, length };
}

/**
 * Turns a byte stream that arrives in arbitrary chunks into frames. A frame wholly
 * inside one chunk is a zero-copy view of it; one split across chunks is assembled
 * into its own buffer. After a FramingError the decoder is unusable.
 */
export class FrameDecoder {
  readonly #maxLength: number;
  /** Prefix octets of the frame being read, while fewer than 4 have arrived. */
  readonly #header = new Uint8Array(FRAME_HEADER_SIZE);
  #headerFill = 0;
  #type: RawSocketFrameTypeId = 0;
  /** The payload being assembled across chunks, once its prefix is known. */
  #payload: Uint8Array | undefined;
  #payloadFill = 0;
  #failed: FramingError | undefined;

  /** `maxLength`: the receive limit; a longer frame is a FramingError `'too_large'`. */
  constructor(maxLength: number = MAX_FRAME_PAYLOAD) {
    this.#maxLength = maxLength;
  }

  /** True when no partial frame is pending (a clean place for the stream to end). */
  get idle(): boolean {
    return this.#headerFill === 0 && this.#payload === undefined;
  }

  /** Feeds one chunk and calls `onFrame` for every frame it completes, in order. */
  push(chunk: Uint8Array, onFrame: (frame: RawSocketFrame) => void): void {
    if (this.#failed) throw this.#failed;
    try {
      this.#push(chunk, onFrame);
    } catch (err) {
      if (err instanceof FramingError) this.#failed = err;
      throw err;
    }
  }

  #push(chunk: Uint8Array, onFrame: (frame: RawSocketFrame) => void): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.#payload !== undefined) {
        const take = Math.min(this.#payload.length - this.#payloadFill, end - pos);
        this.#payload.set(chunk.subarray(pos, pos + take), this.#payloadFill);
        this.#payloadFill += take;
        pos += take;
        if (this.#payloadFill === this.#payload.length) {
          const payload = this.#payload;
          this.#payload = undefined;
          onFrame({ type: this.#type, payload });
        }
        continue;
      }
      if (this.#headerFill === 0 && end - pos >= FRAME_HEADER_SIZE) {
        // Fast path: the whole prefix is in this chunk.
        const { type, length } = decodeFrameHeader(chunk[pos]!, chunk[pos + 1]!, chunk[pos + 2]!, chunk[pos + 3]!, this.#maxLength);
        pos += FRAME_HEADER_SIZE;
        if (end - pos >= length) {
          onFrame({ type, payload: chunk.subarray(pos, pos + length) });
          pos += length;
        } else {
          this.#startPayload(type, length);
        }
        continue;
      }
      this.#header[this.#headerFill++] = chunk[pos++]!;
      if (this.#headerFill === FRAME_HEADER_SIZE) {
        this.#headerFill = 0;
        const h = this.#header;
        const { type, length } = decodeFrameHeader(h[0]!, h[1]!, h[2]!, h[3]!, this.#maxLength);
        if (length === 0) onFrame({ type, payload: new Uint8Array(0) });
        else this.#startPayload(type, length);
      }
    }
  }

  #startPayload(type: RawSocketFrameTypeId, length: number): void {
    this.#type = type;
    this.#payload = new Uint8Array(length);
    this.#payloadFill = 0;
  }
}
