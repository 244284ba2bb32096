import type { Dict } from '../../protocol/dict.js';
import { cryptosignKeyPair } from '../../auth/cryptosign.js';
import { toHex } from '../../auth/hex.js';
import { CHANNEL_BINDING_TYPES } from '../../transport/tls-channel.js';
import type { ChannelBindingType, TlsChannel } from '../../transport/tls-channel.js';
import type { AuthResponse, ClientAuthMethod } from './auth-method.js';

/** Options of {@link cryptosignAuth}. */
export interface CryptosignAuthOptions {
  /**
   * TLS channel binding. By default, on a transport whose TLS channel Node can see
   * (`wss://`, `rss://`), the client asks for `tls-exporter` (TLS 1.3; `tls-unique` on
   * TLS 1.2) and signs the challenge XOR the channel id, so a signature is worth nothing
   * on any other connection. A type forces that type; `null` never binds (for routers
   * that refuse binding). `{ type, channelId }` binds to a channel id known in advance.
   */
  readonly channelBinding?: ChannelBindingType | null | { readonly type: ChannelBindingType; readonly channelId: string };
}

/** The binding to ask for over `tls`, with the channel id to sign with; undefined for none. */
function bindingFor(option: CryptosignAuthOptions['channelBinding'], tls: TlsChannel | undefined): { type: ChannelBindingType; channelId: string } | undefined {
  if (option === null) return undefined;
  if (typeof option === 'object') return option;
  if (tls === undefined) return undefined;
  for (const type of option === undefined ? CHANNEL_BINDING_TYPES : [option]) {
    const id = tls.channelId(type);
    if (id !== undefined) return { type, channelId: toHex(id) };
  }
  return undefined;
}

/**
 * WAMP-Cryptosign with an Ed25519 private key (32-byte seed as hex): announces the public
 * key in HELLO.Details.authextra.pubkey and signs the router's 32-byte challenge, bound
 * to the TLS channel when there is one (see {@link CryptosignAuthOptions.channelBinding}).
 * Throws at once on a malformed key, so a typo surfaces before any connection.
 */
export function cryptosignAuth(privateKeyHex: string, options: CryptosignAuthOptions = {}): ClientAuthMethod {
  const pair = cryptosignKeyPair(privateKeyHex);
  return {
    method: 'cryptosign',
    helloExtra(tls?: TlsChannel): Dict {
      const binding = bindingFor(options.channelBinding, tls);
      return binding ? { pubkey: pair.publicKey, channel_binding: binding.type } : { pubkey: pair.publicKey };
    },
    async respond(extra: Dict, tls?: TlsChannel): Promise<AuthResponse> {
      const challenge = extra['challenge'];
      if (typeof challenge !== 'string') throw new TypeError('cryptosign CHALLENGE.Extra.challenge must be a hex string');
      const binding = bindingFor(options.channelBinding, tls);
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
