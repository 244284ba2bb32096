import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import type { PayloadCipher } from '../session/ppt/payload-cipher.js';

/** Where a cipher finds the key a `ppt_keyid` names: a Map, a plain object, or a lookup function. */
export type KeyRing = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>> | ((keyid: string) => Uint8Array | undefined);

const KEY_BYTES = 32;
const NONCE_BYTES = 24;

/** A fresh random 32-byte key for {@link xsalsa20poly1305Cipher}. */
export function generatePayloadKey(): Uint8Array {
  return randomBytes(KEY_BYTES);
}

function lookUp(ring: KeyRing, keyid: string | undefined): Uint8Array {
  if (keyid === undefined) throw new Error('no ppt_keyid names the key');
  const key = typeof ring === 'function' ? ring(keyid) : ring instanceof Map ? ring.get(keyid) : Object.hasOwn(ring, keyid) ? (ring as Record<string, Uint8Array>)[keyid] : undefined;
  if (key === undefined) throw new Error(`the key ring holds no key '${keyid}'`);
  if (key.length !== KEY_BYTES) throw new Error(`key '${keyid}' must be ${KEY_BYTES} bytes, not ${key.length}`);
  return key;
}

/**
 * End-to-end encryption of payloads (WAMP E2EE over Payload Passthru Mode) with
 * XSalsa20-Poly1305, NaCl's `crypto_secretbox`, from the audited `@noble/ciphers`. The
 * payload is a random 24-byte nonce followed by the sealed box; the key is the one
 * `ppt_keyid` names in `keys`. Decryption authenticates: a wrong key or a changed byte
 * fails. Pass it to the client: `new WampClient({ …, payloadCiphers: [xsalsa20poly1305Cipher(keys)] })`.
 */
export function xsalsa20poly1305Cipher(keys: KeyRing): PayloadCipher {
  return {
    name: 'xsalsa20poly1305',
    encrypt(plaintext, keyid) {
      const key = lookUp(keys, keyid);
      const nonce = randomBytes(NONCE_BYTES);
      const sealed = xsalsa20poly1305(key, nonce).encrypt(plaintext);
      const out = new Uint8Array(NONCE_BYTES + sealed.length);
      out.set(nonce, 0);
      out.set(sealed, NONCE_BYTES);
      return out;
    },
    decrypt(ciphertext, keyid) {
      const key = lookUp(keys, keyid);
      if (ciphertext.length < NONCE_BYTES + 16) throw new Error('the ciphertext is too short to hold a nonce and a tag');
      try {
        return xsalsa20poly1305(key, ciphertext.subarray(0, NONCE_BYTES)).decrypt(ciphertext.subarray(NONCE_BYTES));
      } catch {
        throw new Error('authentication failed: wrong key or tampered ciphertext');
      }
    },
  };
}
