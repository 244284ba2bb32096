import { createCryptosignChallenge, verifyCryptosign } from '../../auth/cryptosign.js';
import type { CryptosignAuthConfig } from './config.js';
import { STATIC_AUTHPROVIDER } from './config.js';
import type { AuthOutcome, AuthRequest } from './authenticator.js';
import { authenticationFailed, challengeOnce, notAuthorized } from './refusal.js';

const PUBKEY = /^[0-9a-fA-F]{64}$/;

interface KeyOwner {
  readonly authid: string;
  readonly authrole: string;
}

/**
 * WAMP-Cryptosign against static principals: the peer's HELLO.authextra.pubkey picks the
 * principal (and must match its authid, if given); CHALLENGE with 32 random bytes, then
 * check the Ed25519 signature. TLS channel binding is not offered (`channel_binding: null`).
 */
export function cryptosignAuthenticator(config: CryptosignAuthConfig): (request: AuthRequest) => AuthOutcome {
  const owners = new Map<string, KeyOwner>();
  for (const [authid, principal] of Object.entries(config.principals)) {
    for (const key of principal.authorized_keys) owners.set(key.toLowerCase(), { authid, authrole: principal.authrole });
  }
  return (request) => {
    const pubkey = request.authextra['pubkey'];
    if (typeof pubkey !== 'string' || !PUBKEY.test(pubkey)) {
      return notAuthorized('cryptosign authentication requires authextra.pubkey (32 bytes, hex)');
    }
    const publicKey = pubkey.toLowerCase();
    const owner = owners.get(publicKey);
    if (owner === undefined) return notAuthorized(`no principal with public key ${publicKey} exists`);
    if (request.authid !== undefined && request.authid !== owner.authid) {
      return notAuthorized(`public key ${publicKey} is not authorized for authid "${request.authid}"`);
    }
    const challenge = createCryptosignChallenge();
    return challengeOnce('cryptosign', { challenge, channel_binding: null }, async (signature) =>
      verifyCryptosign(publicKey, challenge, signature)
        ? { authid: owner.authid, authrole: owner.authrole, authmethod: 'cryptosign', authprovider: STATIC_AUTHPROVIDER, authextra: { pubkey: publicKey } }
        : authenticationFailed(`cryptosign signature is invalid for public key ${publicKey}`),
    );
  };
}
