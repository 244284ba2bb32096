import { WampErrors, WampError } from '../protocol/errors.js';

/**
 * The error a session's pending calls and live subscriptions/registrations end with when
 * the session itself ends (transport lost, ABORT, protocol violation, GOODBYE). `uri` is
 * `wamp.error.network_failure` for a lost connection, else the close or abort reason.
 * WampClient recognises it and re-establishes subscriptions and registrations.
 */
export class SessionClosedError extends WampError {
  /** What ended the session, when it was an error (a TransportError, ProtocolViolation, WampError). */
  override readonly cause: unknown;
  constructor(uri: string, message: string, cause?: unknown) {
    super(uri, [message], {}, { message });
    this.name = 'SessionClosedError';
    this.cause = cause;
  }
}

/** The error for a feature the router did not announce in WELCOME.roles while `requireRouterFeatures` is on. */
export function featureNotAnnounced(role: string, feature: string, what: string): WampError {
  const message = `${what} needs the router's ${role} feature ${feature}, which it did not announce in WELCOME (set requireRouterFeatures: false to use it anyway)`;
  return new WampError(WampErrors.featureNotSupported, [message], {}, { message });
}
