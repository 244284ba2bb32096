import { ProtocolViolation } from '../protocol/errors.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { fromBase64, toBase64 } from './base64.js';
import type { Serializer } from './serializer.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Does a value contain a byte array anywhere? Only then does encoding need a replacer. */
function containsBytes(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsBytes(value[i])) return true;
    return false;
  }
  for (const key in value) if (containsBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** WAMP's binary convention: bytes travel as a string of U+0000 followed by padded base64. */
function bytesReplacer(this: unknown, _key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? '\u0000' + toBase64(value) : value;
}

/** Turns every `"\0<base64>"` string back into bytes, in place. */
function revive(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) !== 0) return value;
    return fromBase64(value.slice(1)) ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
  } else {
    const dict = value as Record<string, unknown>;
    for (const key in dict) dict[key] = revive(dict[key]);
  }
  return value;
}

/** The JSON serialization (`wamp.2.json`, RawSocket id 1), with WAMP's binary convention both ways. */
export class JsonSerializer implements Serializer {
  readonly id = 'json' as const;
  readonly subprotocol = 'wamp.2.json';
  readonly rawSocketId = 1;
  readonly binary = false;

  encode(message: WampMessage): string {
    const array = message.toArray();
    return containsBytes(array) ? JSON.stringify(array, bytesReplacer) : JSON.stringify(array);
  }

  decode(frame: string | Uint8Array): WampMessage {
    let text: string;
    let parsed: unknown;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ProtocolViolation(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Only text that escapes U+0000 can hold bytes: skip the walk for everything else.
    if (text.includes('\\u0000')) parsed = revive(parsed);
    return messageFromArray(parsed);
  }
}
