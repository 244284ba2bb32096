import { WampErrors } from '../../protocol/errors.js';
import type { AuthChallenge, AuthIdentity, AuthRefusal } from './authenticator.js';

/** A refusal outcome; `message` must never contain a secret. */
export function refuse(reason: string, message: string): AuthRefusal {
  return { refused: true, reason, message };
}

/** The peer's credentials did not check out (wrong ticket, bad signature). */
export function authenticationFailed(message: string): AuthRefusal {
  return refuse(WampErrors.authenticationFailed, message);
}

/** The peer may not join as asked (unknown or missing authid), as Crossbar answers. */
export function notAuthorized(message: string): AuthRefusal {
  return refuse(WampErrors.notAuthorized, message);
}

/**
 * Makes a challenge's verify usable once only: a second AUTHENTICATE for the same
 * challenge (a replay) is refused without checking it.
 */
export function challengeOnce(
  method: string,
  extra: AuthChallenge['extra'],
  verify: (signature: string, extra: Record<string, unknown>) => Promise<AuthIdentity | AuthRefusal>,
): AuthChallenge {
  let used = false;
  return {
    method,
    extra,
    verify(signature, authExtra) {
      if (used) return Promise.resolve(authenticationFailed(`${method} challenge already answered`));
      used = true;
      if (typeof signature !== 'string') return Promise.resolve(authenticationFailed(`${method} signature must be a string`));
      return verify(signature, authExtra);
    },
  };
}
