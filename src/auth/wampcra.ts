import { fromBase64, toBase64 } from '../serialization/base64.js';
import { constantTimeEqualBytes } from './constant-time.js';
import { randomNonce } from './random.js';

const utf8 = new TextEncoder();

/** PBKDF2 defaults Autobahn and Crossbar use when CHALLENGE.Extra omits them. */
export const WAMPCRA_DEFAULT_ITERATIONS = 1000;
/** Default derived key length in bytes. */
export const WAMPCRA_DEFAULT_KEYLEN = 32;

/** What goes into a WAMP-CRA challenge besides the random parts. */
export interface WampcraChallengeFields {
  readonly authid: string;
  readonly authrole: string;
  readonly authprovider: string;
  readonly session: number;
  /** Random when omitted. */
  readonly nonce?: string;
  /** `new Date().toISOString()` when omitted. */
  readonly timestamp?: string;
}

/** The router's challenge: a JSON object string with the fields the spec requires. */
export function createWampcraChallenge(fields: WampcraChallengeFields): string {
  return JSON.stringify({
    authid: fields.authid,
    authrole: fields.authrole,
    authmethod: 'wampcra',
    authprovider: fields.authprovider,
    nonce: fields.nonce ?? randomNonce(16),
    timestamp: fields.timestamp ?? new Date().toISOString(),
    session: fields.session,
  });
}

async function hmacSha256(key: string, message: string): Promise<Uint8Array> {
  const cryptoKey = await globalThis.crypto.subtle.importKey(
    'raw',
    utf8.encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', cryptoKey, utf8.encode(message)));
}

/** The WAMP-CRA signature: base64(HMAC-SHA256(key, challenge)), key and challenge as UTF-8. */
export async function signWampcra(key: string, challenge: string): Promise<string> {
  return toBase64(await hmacSha256(key, challenge));
}

/** Checks a peer's WAMP-CRA signature in constant time; false for anything not base64. */
export async function verifyWampcra(key: string, challenge: string, signature: string): Promise<boolean> {
  const expected = await hmacSha256(key, challenge);
  const given = fromBase64(signature);
  return given !== undefined && constantTimeEqualBytes(expected, given);
}

/**
 * The salted WAMP-CRA key: base64(PBKDF2-HMAC-SHA256(secret, salt, iterations, keylen)).
 * The base64 text itself (not its bytes) is then the HMAC key, as Autobahn does.
 */
export async function deriveWampcraKey(
  secret: string,
  salt: string,
  iterations: number = WAMPCRA_DEFAULT_ITERATIONS,
  keylen: number = WAMPCRA_DEFAULT_KEYLEN,
): Promise<string> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError(`invalid PBKDF2 iterations: ${iterations}`);
  if (!Number.isSafeInteger(keylen) || keylen < 1 || keylen > 1024) throw new RangeError(`invalid PBKDF2 keylen: ${keylen}`);
  const baseKey = await globalThis.crypto.subtle.importKey('raw', utf8.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits(
    { name: 'PBKDF2', salt: utf8.encode(salt), iterations, hash: 'SHA-256' },
    baseKey,
    keylen * 8,
  );
  return toBase64(new Uint8Array(bits));
}
