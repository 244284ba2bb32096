import type { TlsAuthConfig } from './config.js';
import { STATIC_AUTHPROVIDER } from './config.js';
import type { AuthOutcome, AuthRequest } from './authenticator.js';
import { authenticationFailed, notAuthorized } from './refusal.js';

/**
 * Client-certificate authentication: the TLS listener (with a `ca`) asked the peer for a
 * certificate; one that chains to that CA names the authid in its subject CN, and the
 * principal of that authid gives the authrole. No CHALLENGE: the TLS handshake was the proof.
 */
export function tlsAuthenticator(config: TlsAuthConfig): (request: AuthRequest) => AuthOutcome {
  return (request) => {
    const certificate = request.tls?.peerCertificate;
    if (certificate === undefined) return notAuthorized('tls authentication needs a client certificate over TLS (and a listener with a ca)');
    if (!certificate.authorized) {
      return authenticationFailed(`the client certificate is not trusted: ${certificate.authorizationError ?? 'unknown reason'}`);
    }
    const authid = certificate.subject['CN'];
    if (authid === undefined || authid === '') return notAuthorized('the client certificate has no subject CN to take the authid from');
    if (request.authid !== undefined && request.authid !== authid) {
      return notAuthorized(`the client certificate is for "${authid}", not for authid "${request.authid}"`);
    }
    const principal = Object.hasOwn(config.principals, authid) ? config.principals[authid] : undefined;
    if (principal === undefined) return notAuthorized(`no tls principal "${authid}" exists`);
    if (principal.certificate_sha256 !== undefined && principal.certificate_sha256.toUpperCase() !== certificate.fingerprint256.toUpperCase()) {
      return authenticationFailed(`the client certificate of "${authid}" is not the one pinned for it`);
    }
    return { authid, authrole: principal.authrole, authmethod: 'tls', authprovider: STATIC_AUTHPROVIDER, authextra: { fingerprint256: certificate.fingerprint256 } };
  };
}
