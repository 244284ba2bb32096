import { createCryptosignChallenge, verifyCryptosign } from '../../auth/cryptosign.js';
import { toHex } from '../../auth/hex.js';
import { isChannelBindingType } from '../../transport/tls-channel.js';
import type { ChannelBindingType } from '../../transport/tls-channel.js';
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
 * check the Ed25519 signature. A peer that asks for TLS channel binding
 * (`authextra.channel_binding`: `tls-exporter` or `tls-unique`) on a TLS transport must
 * sign the challenge XOR that channel's id, so a signature made on another connection
 * fails; without TLS under it the router goes on unbound (`channel_binding: null`), as
 * the spec allows.
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
    const requested = request.authextra['channel_binding'];
    if (requested !== undefined && requested !== null && !isChannelBindingType(requested)) {
      return notAuthorized(`channel_binding ${JSON.stringify(requested)} is not supported (tls-exporter, tls-unique)`);
    }
    let binding: ChannelBindingType | null = null;
    let channelId: string | null = null;
    if (isChannelBindingType(requested)) {
      const id = request.tls?.channelId(requested);
      if (id !== undefined) {
        binding = requested;
        channelId = toHex(id);
      }
    }
    const challenge = createCryptosignChallenge();
    const authextra = binding === null ? { pubkey: publicKey } : { pubkey: publicKey, channel_binding: binding };
    return challengeOnce('cryptosign', { challenge, channel_binding: binding }, async (signature) =>
      verifyCryptosign(publicKey, challenge, signature, channelId)
        ? { authid: owner.authid, authrole: owner.authrole, authmethod: 'cryptosign', authprovider: STATIC_AUTHPROVIDER, authextra }
        : authenticationFailed(`cryptosign signature is invalid for public key ${publicKey}${binding === null ? '' : ` on this ${binding} channel`}`),
    );
  };
}
