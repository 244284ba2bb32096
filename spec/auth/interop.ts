import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Load the whole library first: its auth modules and its main module require each other.
require('autobahn');

/** Autobahn|JS's own WAMP-CRA functions, as an independent implementation to check against. */
export const autobahnCra = require('autobahn/lib/auth/cra.js') as {
  sign(key: string, challenge: string): string;
  derive_key(secret: string, salt: string, iterations?: number, keylen?: number): string;
};

interface NaclKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Autobahn|JS's cryptosign signing, over tweetnacl, as an independent implementation. */
export const autobahnCryptosign = require('autobahn/lib/auth/cryptosign.js') as {
  sign_challenge(pkey: NaclKeyPair, extra: { challenge: string }): string;
  public_key(pkey: NaclKeyPair): string;
};

/** tweetnacl, which Autobahn|JS signs with. */
export const nacl = require('tweetnacl') as {
  sign: { keyPair: { fromSeed(seed: Uint8Array): NaclKeyPair } };
};
