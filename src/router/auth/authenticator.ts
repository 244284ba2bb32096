import type { Observable } from 'rxjs';
import type { Dict } from '../../protocol/dict.js';
import type { TlsChannel } from '../../transport/tls-channel.js';

/** What a router knows of a peer that asks to join a realm (from its HELLO). */
export interface AuthRequest {
  /** The realm the peer asked for. */
  readonly realm: string;
  /** The session id the router will give the peer if it is welcomed. */
  readonly sessionId: number;
  /** HELLO.Details.authid, if the peer sent one. */
  readonly authid: string | undefined;
  /** HELLO.Details.authmethods (`['anonymous']` when the peer sent none). */
  readonly authmethods: readonly string[];
  /** HELLO.Details.authextra (`{}` when absent). */
  readonly authextra: Dict;
  /** A description of the transport peer, for logs. */
  readonly peer: string;
  /** The TLS channel of the peer's transport (channel binding, client certificate), when it has one. */
  readonly tls?: TlsChannel | undefined;
}

/** Who a welcomed peer is: goes into WELCOME.Details and onto the router session. */
export interface AuthIdentity {
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
  readonly authextra?: Dict;
}

/** The peer is refused: the router sends ABORT with this reason URI and message. */
export interface AuthRefusal {
  readonly refused: true;
  /** e.g. `wamp.error.not_authorized`, `wamp.error.authentication_failed`, `wamp.error.no_such_principal`. */
  readonly reason: string;
  /** Says what failed without revealing any secret. */
  readonly message: string;
}

/** The router must CHALLENGE the peer, then check its AUTHENTICATE with `verify`. */
export interface AuthChallenge {
  readonly method: string;
  readonly extra: Dict;
  /** Checks the peer's AUTHENTICATE.Signature and Extra; called at most once. */
  verify(signature: string, extra: Dict): Promise<AuthIdentity | AuthRefusal> | Observable<AuthIdentity | AuthRefusal>;
}

/** What an authenticator decides about a HELLO. */
export type AuthOutcome = AuthIdentity | AuthRefusal | AuthChallenge;

/**
 * Decides who may join a realm. The router calls it once per HELLO; a pluggable
 * authenticator (checking credentials elsewhere) returns a Promise or an Observable.
 */
export type Authenticator = (request: AuthRequest) => Promise<AuthOutcome> | Observable<AuthOutcome> | AuthOutcome;

/** True for a refusal outcome. */
export function isRefusal(outcome: AuthOutcome): outcome is AuthRefusal {
  return (outcome as AuthRefusal).refused === true;
}

/** True for a challenge outcome. */
export function isChallenge(outcome: AuthOutcome): outcome is AuthChallenge {
  return typeof (outcome as AuthChallenge).verify === 'function';
}
