/** `length` cryptographically random bytes from Web Crypto (Node 20 and browsers). */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

// Crockford-like base32 without look-alikes, so ids read well in logs.
const SERIAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random identifier like `K3FX-9QAM-…` (six groups of four), as routers assign to anonymous peers. */
export function randomSerial(groups = 6): string {
  const bytes = randomBytes(groups * 4);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += SERIAL_ALPHABET[bytes[i]! & 31]!;
  }
  return out;
}

/** A random URL-safe nonce string of `length` characters (6 random bits each). */
export function randomNonce(length = 16): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += alphabet[bytes[i]! & 63]!;
  return out;
}
