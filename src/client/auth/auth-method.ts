import type { Dict } from '../../protocol/dict.js';
import type { TlsChannel } from '../../transport/tls-channel.js';

/** The AUTHENTICATE a client answers a CHALLENGE with. */
export interface AuthResponse {
  readonly signature: string;
  readonly extra?: Dict;
}

/**
 * One client-side authentication method (ticket, wampcra, cryptosign, …): what it adds
 * to HELLO, and how it answers the router's CHALLENGE.
 */
export interface ClientAuthMethod {
  /** The method name announced in HELLO.Details.authmethods, e.g. `'wampcra'`. */
  readonly method: string;
  /**
   * Extra HELLO.Details.authextra entries (cryptosign sends its public key here). `tls` is
   * the transport's TLS channel when Node can see one.
   */
  helloExtra?(tls?: TlsChannel): Dict;
  /** Answers CHALLENGE.Extra for this method, over the same transport (`tls`) as the HELLO. */
  respond(challengeExtra: Dict, tls?: TlsChannel): Promise<AuthResponse>;
}
