import { WampErrors } from '../../protocol/errors.js';
import { anonymousAuthenticator } from './anonymous.js';
import type { Authenticator, AuthOutcome, AuthRequest } from './authenticator.js';
import type { RealmAuthConfig } from './config.js';
import { cryptosignAuthenticator } from './cryptosign.js';
import { refuse } from './refusal.js';
import { ticketAuthenticator } from './ticket.js';
import { tlsAuthenticator } from './tls.js';
import { validateRealmAuthConfig } from './validate-config.js';
import { wampcraAuthenticator } from './wampcra.js';

type MethodAuthenticator = (request: AuthRequest) => AuthOutcome;

/**
 * The authenticator of a realm's `auth` config: it picks the first method in the peer's
 * HELLO.authmethods that the realm allows and lets that method decide. Without a config,
 * only anonymous peers are admitted (authrole `anonymous`). Throws a TypeError on a
 * malformed config.
 */
export function authenticatorFromConfig(auth: RealmAuthConfig | undefined): Authenticator {
  const config: RealmAuthConfig = auth ?? { anonymous: {} };
  validateRealmAuthConfig(config);
  const methods = new Map<string, MethodAuthenticator>();
  if (config.anonymous) methods.set('anonymous', anonymousAuthenticator(config.anonymous));
  if (config.ticket) methods.set('ticket', ticketAuthenticator(config.ticket));
  if (config.wampcra) methods.set('wampcra', wampcraAuthenticator(config.wampcra));
  if (config.cryptosign) methods.set('cryptosign', cryptosignAuthenticator(config.cryptosign));
  if (config.tls) methods.set('tls', tlsAuthenticator(config.tls));
  const allowed = [...methods.keys()].join(', ');
  return (request) => {
    for (const method of request.authmethods) {
      const authenticate = methods.get(method);
      if (authenticate) return authenticate(request);
    }
    return refuse(
      WampErrors.noMatchingAuthMethod,
      `cannot authenticate using any of the offered authmethods [${request.authmethods.join(', ')}]; realm allows [${allowed}]`,
    );
  };
}
