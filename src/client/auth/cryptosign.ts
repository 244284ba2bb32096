import type { Dict } from '../../protocol/dict.js';
import { cryptosignKeyPair } from '../../auth/cryptosign.js';
import type { AuthResponse, ClientAuthMethod } from './auth-method.js';

/** Options of {@link cryptosignAuth}. */
export interface CryptosignAuthOptions {
  /**
   * The TLS channel id (32 bytes, hex) when the transport offers channel binding; the
   * `channel_binding` type to request in HELLO goes with it.
   */
  readonly channelBinding?: { readonly type: 'tls-unique' | 'tls-exporter'; readonly channelId: string };
}

/**
 * WAMP-Cryptosign with an Ed25519 private key (32-byte seed as hex): announces the public
 * key in HELLO.Details.authextra.pubkey and signs the router's 32-byte challenge.
 * Throws at once on a malformed key, so a typo surfaces before any connection.
 */
export function cryptosignAuth(privateKeyHex: string, options: CryptosignAuthOptions = {}): ClientAuthMethod {
  const pair = cryptosignKeyPair(privateKeyHex);
  const binding = options.channelBinding;
  return {
    method: 'cryptosign',
    helloExtra(): Dict {
      return binding ? { pubkey: pair.publicKey, channel_binding: binding.type } : { pubkey: pair.publicKey };
    },
    async respond(extra: Dict): Promise<AuthResponse> {
      const challenge = extra['challenge'];
      if (typeof challenge !== 'string') throw new TypeError('cryptosign CHALLENGE.Extra.challenge must be a hex string');
      const routerBinding = extra['channel_binding'];
      const bound = routerBinding !== undefined && routerBinding !== null;
      // The spec makes the client check the router binds the channel it asked for, and nothing else.
      if (bound && routerBinding !== binding?.type) {
        throw new Error(`router asked for channel binding ${String(routerBinding)} which this client did not request`);
      }
      return { signature: pair.sign(challenge, bound ? binding!.channelId : null) };
    },
  };
}

/** The hex public key of a cryptosign private key, for a router's `authorized_keys`. */
export function cryptosignPublicKey(privateKeyHex: string): string {
  return cryptosignKeyPair(privateKeyHex).publicKey;
}
