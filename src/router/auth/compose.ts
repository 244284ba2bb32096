import { type Observable, of } from 'rxjs';
import { concatMap } from 'rxjs/operators';
import { WampErrors } from '../../protocol/errors.js';
import type { Authenticator, AuthOutcome } from './authenticator.js';
import { isRefusal } from './authenticator.js';
import { refuse } from './refusal.js';
import { runAuthenticator } from './resolve-outcome.js';

function declines(outcome: AuthOutcome): boolean {
  return isRefusal(outcome) && outcome.reason === WampErrors.noMatchingAuthMethod;
}

/**
 * Tries authenticators in order: the first one that does not answer
 * `wamp.error.no_matching_auth_method` decides. Lets a user-supplied authenticator (say,
 * one checking tokens against a database) serve beside or before a realm's static config.
 * Later authenticators are not even called once one has decided.
 */
export function composeAuthenticators(...authenticators: readonly Authenticator[]): Authenticator {
  const none = refuse(WampErrors.noMatchingAuthMethod, 'no authenticator accepts the offered authmethods');
  return (request) =>
    authenticators.reduce<Observable<AuthOutcome>>(
      (previous, authenticator) =>
        previous.pipe(concatMap((outcome) => (declines(outcome) ? runAuthenticator(authenticator, request) : of(outcome)))),
      of(none),
    );
}
