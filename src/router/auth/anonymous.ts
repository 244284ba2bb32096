import { randomSerial } from '../../auth/random.js';
import type { AnonymousAuthConfig } from './config.js';
import { STATIC_AUTHPROVIDER } from './config.js';
import type { AuthIdentity, AuthRequest } from './authenticator.js';

/** Default authrole of anonymous peers. */
export const ANONYMOUS_AUTHROLE = 'anonymous';

/** Welcomes every peer at once; authid is the peer's own or a random serial. */
export function anonymousAuthenticator(config: AnonymousAuthConfig = {}): (request: AuthRequest) => AuthIdentity {
  const authrole = config.authrole ?? ANONYMOUS_AUTHROLE;
  return (request) => ({
    authid: request.authid ?? randomSerial(),
    authrole,
    authmethod: 'anonymous',
    authprovider: STATIC_AUTHPROVIDER,
  });
}
