import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex, toHex } from './hex.js';
import { randomBytes } from './random.js';

/** Length in bytes of a cryptosign challenge (and of the channel id it may be XORed with). */
export const CRYPTOSIGN_CHALLENGE_BYTES = 32;

/** An Ed25519 key pair for WAMP-Cryptosign. */
export interface CryptosignKeyPair {
  /** The 32-byte public key, lowercase hex: what HELLO.Details.authextra.pubkey carries. */
  readonly publicKey: string;
  /** Answers a CHALLENGE.Extra.challenge (hex) with hex(signature ‖ signed message). */
  sign(challengeHex: string, channelIdHex?: string | null): string;
}

function seedFrom(privateKeyHex: string): Uint8Array {
  const bytes = fromHex(privateKeyHex.trim());
  // 64 bytes is the libsodium/NaCl form (seed ‖ public key): its first half is the seed.
  if (bytes === undefined || (bytes.length !== 32 && bytes.length !== 64)) {
    throw new TypeError('cryptosign private key must be 32 (or 64) bytes of hex');
  }
  return bytes.subarray(0, 32);
}

/** The message a client signs: the challenge, XORed with the TLS channel id when bound. */
export function cryptosignMessage(challengeHex: string, channelIdHex?: string | null): Uint8Array {
  const challenge = fromHex(challengeHex);
  if (challenge === undefined || challenge.length !== CRYPTOSIGN_CHALLENGE_BYTES) {
    throw new TypeError('cryptosign challenge must be 32 bytes of hex');
  }
  if (channelIdHex === undefined || channelIdHex === null) return challenge;
  const channelId = fromHex(channelIdHex);
  if (channelId === undefined || channelId.length !== CRYPTOSIGN_CHALLENGE_BYTES) {
    throw new TypeError('cryptosign channel id must be 32 bytes of hex');
  }
  for (let i = 0; i < challenge.length; i++) challenge[i]! ^= channelId[i]!;
  return challenge;
}

/** The key pair of a 32-byte hex seed (the cryptosign private key). Throws on a malformed key. */
export function cryptosignKeyPair(privateKeyHex: string): CryptosignKeyPair {
  const seed = seedFrom(privateKeyHex);
  const publicKey = toHex(ed25519.getPublicKey(seed));
  return {
    publicKey,
    sign(challengeHex, channelIdHex) {
      const message = cryptosignMessage(challengeHex, channelIdHex);
      return toHex(ed25519.sign(message, seed)) + toHex(message);
    },
  };
}

/** A fresh random challenge for CHALLENGE.Extra.challenge (32 bytes, hex). */
export function createCryptosignChallenge(): string {
  return toHex(randomBytes(CRYPTOSIGN_CHALLENGE_BYTES));
}

/**
 * Checks an AUTHENTICATE.Signature of cryptosign: 96 bytes hex, a valid Ed25519 signature
 * by `publicKeyHex` over the expected message, which the signature must also carry.
 * Never throws: anything malformed is simply not valid.
 */
export function verifyCryptosign(
  publicKeyHex: string,
  challengeHex: string,
  signatureHex: string,
  channelIdHex?: string | null,
): boolean {
  try {
    const publicKey = fromHex(publicKeyHex);
    const signed = fromHex(signatureHex);
    if (publicKey === undefined || publicKey.length !== 32) return false;
    if (signed === undefined || signed.length !== 64 + CRYPTOSIGN_CHALLENGE_BYTES) return false;
    const expected = cryptosignMessage(challengeHex, channelIdHex);
    const carried = signed.subarray(64);
    for (let i = 0; i < expected.length; i++) if (expected[i] !== carried[i]) return false;
    // zip215: false = RFC 8032 strict verification, as libsodium does.
    return ed25519.verify(signed.subarray(0, 64), expected, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
