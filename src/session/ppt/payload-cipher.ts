/**
 * A cipher for end-to-end encrypted payloads (`ppt_cipher`), with the keys it may use.
 * `rxwamp/e2ee` ships `xsalsa20poly1305Cipher`; any other cipher plugs in with this shape.
 */
export interface PayloadCipher {
  /** The `ppt_cipher` name this cipher answers to, e.g. `'xsalsa20poly1305'`. */
  readonly name: string;
  /** Encrypts a serialized payload with the key `keyid` names; throws when there is no such key. */
  encrypt(plaintext: Uint8Array, keyid: string | undefined): Uint8Array;
  /** Decrypts and authenticates; throws on a missing key, a wrong key or a tampered ciphertext. */
  decrypt(ciphertext: Uint8Array, keyid: string | undefined): Uint8Array;
}
