import type { Dict } from '../../protocol/dict.js';
import {
  WAMPCRA_DEFAULT_ITERATIONS,
  WAMPCRA_DEFAULT_KEYLEN,
  createWampcraChallenge,
  verifyWampcra,
} from '../../auth/wampcra.js';
import type { WampcraAuthConfig } from './config.js';
import { STATIC_AUTHPROVIDER } from './config.js';
import type { AuthOutcome, AuthRequest } from './authenticator.js';
import { ownEntry } from './own-key.js';
import { authenticationFailed, challengeOnce, notAuthorized } from './refusal.js';

/**
 * WAMP-CRA against static users: CHALLENGE with a JSON challenge bound to the session id
 * (plus salt, iterations and keylen for salted users), then check the HMAC.
 */
export function wampcraAuthenticator(config: WampcraAuthConfig): (request: AuthRequest) => AuthOutcome {
  return (request) => {
    if (request.authid === undefined) return notAuthorized('WAMP-CRA authentication requires an authid');
    const authid = request.authid;
    const user = ownEntry(config.users, authid);
    if (user === undefined) return notAuthorized(`no principal with authid "${authid}" exists`);
    const challenge = createWampcraChallenge({
      authid,
      authrole: user.authrole,
      authprovider: STATIC_AUTHPROVIDER,
      session: request.sessionId,
    });
    const extra: Dict = { challenge };
    if (user.salt !== undefined) {
      extra['salt'] = user.salt;
      extra['iterations'] = user.iterations ?? WAMPCRA_DEFAULT_ITERATIONS;
      extra['keylen'] = user.keylen ?? WAMPCRA_DEFAULT_KEYLEN;
    }
    return challengeOnce('wampcra', extra, async (signature) =>
      (await verifyWampcra(user.secret, challenge, signature))
        ? { authid, authrole: user.authrole, authmethod: 'wampcra', authprovider: STATIC_AUTHPROVIDER }
        : authenticationFailed(`WAMP-CRA signature is invalid for authid "${authid}"`),
    );
  };
}
