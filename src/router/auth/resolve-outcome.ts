import { defer, from, isObservable, Observable, of } from 'rxjs';
import { catchError, defaultIfEmpty, map, take } from 'rxjs/operators';
import { isDict } from '../../protocol/dict.js';
import type { AuthChallenge, Authenticator, AuthIdentity, AuthOutcome, AuthRefusal, AuthRequest } from './authenticator.js';
import { authenticationFailed, refuse } from './refusal.js';

/** What an authenticator or a challenge's verify may return. */
export type AuthResult<T extends AuthOutcome = AuthOutcome> = T | PromiseLike<T> | Observable<T>;

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Checks a user-supplied outcome has the shape the router relies on. */
function checkOutcome(value: unknown): AuthOutcome {
  if (!isDict(value)) return authenticationFailed('authenticator returned no outcome');
  if (value['refused'] === true) {
    return isString(value['reason']) ? (value as unknown as AuthRefusal) : authenticationFailed('authenticator refused without a reason');
  }
  if (typeof value['verify'] === 'function') {
    return isString(value['method']) && isDict(value['extra'])
      ? (value as unknown as AuthChallenge)
      : authenticationFailed('authenticator returned a malformed challenge');
  }
  const ok =
    isString(value['authid']) &&
    isString(value['authrole']) &&
    isString(value['authmethod']) &&
    isString(value['authprovider']) &&
    (value['authextra'] === undefined || isDict(value['authextra']));
  return ok ? (value as unknown as AuthIdentity) : authenticationFailed('authenticator returned a malformed identity');
}

/** A thrown WampError keeps its URI and text; any other error is hidden (it may hold secrets). */
function refusalFromError(error: unknown): AuthRefusal {
  if (error instanceof Error && isString((error as { uri?: unknown }).uri)) {
    return refuse((error as Error & { uri: string }).uri, error.message);
  }
  return authenticationFailed('authentication failed');
}

/**
 * Turns what an authenticator (or a challenge's verify) returned — a value, a Promise or
 * an Observable — into an Observable of exactly one well-formed outcome. Errors, an empty
 * Observable or a malformed value become a refusal, so nothing throws into the router.
 */
export function resolveAuthOutcome(result: AuthResult | (() => AuthResult)): Observable<AuthOutcome> {
  return defer(() => {
    const value = typeof result === 'function' ? result() : result;
    if (isObservable(value)) return value;
    if (value !== null && typeof value === 'object' && typeof (value as PromiseLike<AuthOutcome>).then === 'function') {
      return from(value as PromiseLike<AuthOutcome>);
    }
    return of(value as AuthOutcome);
  }).pipe(
    take(1),
    map(checkOutcome),
    defaultIfEmpty(authenticationFailed('authenticator gave no answer') as AuthOutcome),
    catchError((error: unknown) => of(refusalFromError(error))),
  );
}

/** Runs an authenticator on a HELLO; a synchronous throw becomes a refusal too. */
export function runAuthenticator(authenticator: Authenticator, request: AuthRequest): Observable<AuthOutcome> {
  return resolveAuthOutcome(() => authenticator(request));
}

/**
 * Checks a peer's AUTHENTICATE against a challenge: one identity or refusal. A verify that
 * answers with yet another challenge is refused (multi-round authentication is not supported).
 */
export function verifyChallenge(challenge: AuthChallenge, signature: string, extra: unknown): Observable<AuthIdentity | AuthRefusal> {
  return resolveAuthOutcome(() => challenge.verify(signature, isDict(extra) ? extra : {})).pipe(
    map((outcome) => ('verify' in outcome ? authenticationFailed('authentication needs more than one round') : outcome)),
  );
}
