import { fromBase64, toBase64 } from './base64.js';

/** Does a value contain a byte array anywhere? Only then does encoding need a replacer. */
export function containsBytes(value: unknown): boolean {
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
export function bytesReplacer(this: unknown, _key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? '\u0000' + toBase64(value) : value;
}

/** Turns every `"\0<base64>"` string back into bytes, in place. */
export function revive(value: unknown): unknown {
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
