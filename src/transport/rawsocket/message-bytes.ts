import type { Frame } from '../transport.js';
import { encodeFrame, encodeFrameHeader, RawSocketFrameType } from './framing.js';

/** Above this size a message is written after its prefix instead of copied behind it. */
const COPY_LIMIT = 65536;
const utf8 = new TextEncoder();

/**
 * The last WAMP message written and its RawSocket bytes. A router serializes an EVENT once
 * per serialization and hands the same frame to each subscriber's transport: its UTF-8
 * encoding (JSON) and its prefixed copy are made once and written to all of them. One
 * entry, dropped at the end of the current task, so a large message is not kept alive.
 * A frame handed to a transport is not changed afterwards (`ws`, and RawSocket for large
 * messages, write it by reference in any case).
 */
let lastFrame: Frame | undefined;
let lastPayload: Uint8Array | undefined;
let lastChunks: readonly Uint8Array[] | undefined;
let dropScheduled = false;

function drop(): void {
  lastFrame = undefined;
  lastPayload = undefined;
  lastChunks = undefined;
  dropScheduled = false;
}

/** The payload octets of a message frame (UTF-8 for text): the same array for the same frame within a task. */
export function messagePayload(frame: Frame): Uint8Array {
  if (frame === lastFrame) return lastPayload!;
  const payload = typeof frame === 'string' ? utf8.encode(frame) : frame;
  lastFrame = frame;
  lastPayload = payload;
  lastChunks = undefined;
  if (!dropScheduled) {
    dropScheduled = true;
    queueMicrotask(drop);
  }
  return payload;
}

/**
 * What to write for a WAMP message frame carrying `payload` (at most 2^24 octets): prefix
 * and payload in one array, or the prefix then the payload itself when it is large. The
 * same arrays for the payload `messagePayload` returned last.
 */
export function messageChunks(payload: Uint8Array): readonly Uint8Array[] {
  if (payload === lastPayload && lastChunks !== undefined) return lastChunks;
  const chunks = frameChunks(RawSocketFrameType.message, payload);
  if (payload === lastPayload) lastChunks = chunks;
  return chunks;
}

/** The arrays to write for a frame of any type (not cached: PING and PONG). */
export function frameChunks(type: 0 | 1 | 2, payload: Uint8Array): readonly Uint8Array[] {
  return payload.length <= COPY_LIMIT ? [encodeFrame(type, payload)] : [encodeFrameHeader(type, payload.length), payload];
}
