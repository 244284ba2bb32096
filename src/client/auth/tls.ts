import type { AuthResponse, ClientAuthMethod } from './auth-method.js';

/**
 * The `tls` method: the client is who its TLS client certificate says (the router takes
 * the authid from the certificate's subject CN). Give the certificate and key in the
 * client's `tls` options; the router admits or refuses at HELLO and never challenges.
 */
export function tlsAuth(): ClientAuthMethod {
  return {
    method: 'tls',
    respond(): Promise<AuthResponse> {
      return Promise.reject(new Error('the router challenged the tls method, which has nothing to answer with'));
    },
  };
}
