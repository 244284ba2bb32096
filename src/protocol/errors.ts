import type { Dict } from './dict.js';

/** The standard `wamp.error.*` URIs of the specification. */
export const WampErrors = {
  invalidUri: 'wamp.error.invalid_uri',
  noSuchProcedure: 'wamp.error.no_such_procedure',
  procedureAlreadyExists: 'wamp.error.procedure_already_exists',
  noSuchRegistration: 'wamp.error.no_such_registration',
  noSuchSubscription: 'wamp.error.no_such_subscription',
  invalidArgument: 'wamp.error.invalid_argument',
  canceled: 'wamp.error.canceled',
  payloadSizeExceeded: 'wamp.error.payload_size_exceeded',
  protocolViolation: 'wamp.error.protocol_violation',
  notAuthorized: 'wamp.error.not_authorized',
  authorizationFailed: 'wamp.error.authorization_failed',
  noSuchRealm: 'wamp.error.no_such_realm',
  noSuchRole: 'wamp.error.no_such_role',
  noMatchingAuthMethod: 'wamp.error.no_matching_auth_method',
  noSuchPrincipal: 'wamp.error.no_such_principal',
  authenticationDenied: 'wamp.error.authentication_denied',
  authenticationFailed: 'wamp.error.authentication_failed',
  authenticationRequired: 'wamp.error.authentication_required',
  authorizationDenied: 'wamp.error.authorization_denied',
  authorizationRequired: 'wamp.error.authorization_required',
  timeout: 'wamp.error.timeout',
  optionNotAllowed: 'wamp.error.option_not_allowed',
  discloseMeNotAllowed: 'wamp.error.option_disallowed.disclose_me',
  networkFailure: 'wamp.error.network_failure',
  unavailable: 'wamp.error.unavailable',
  noAvailableCallee: 'wamp.error.no_available_callee',
  featureNotSupported: 'wamp.error.feature_not_supported',
  noSuchSession: 'wamp.error.no_such_session',
  /** Not in the spec's list; the conventional URI for an unexpected failure inside a callee. */
  runtimeError: 'wamp.error.runtime_error',
} as const;

/** The standard `wamp.close.*` URIs of the specification. */
export const WampCloseReasons = {
  systemShutdown: 'wamp.close.system_shutdown',
  closeRealm: 'wamp.close.close_realm',
  goodbyeAndOut: 'wamp.close.goodbye_and_out',
  killed: 'wamp.close.killed',
  /** The usual reason a peer gives in its own GOODBYE (Autobahn, Crossbar). */
  normal: 'wamp.close.normal',
} as const;

/** Spellings the spec also uses for the same error; accepted on input, never sent. */
export const ERROR_ALIASES: Readonly<Record<string, string>> = {
  'wamp.error.cancelled': WampErrors.canceled,
  'wamp.error.disclose_me.not_allowed': WampErrors.discloseMeNotAllowed,
};

/** An error with a WAMP URI, as carried by ERROR and ABORT messages. */
export class WampError extends Error {
  /** The error URI, e.g. `wamp.error.no_such_procedure` or an application URI. */
  readonly uri: string;
  /** The positional arguments of the error, if any. */
  readonly args: unknown[];
  /** The keyword arguments of the error, if any. */
  readonly kwargs: Dict;
  /** The Details dictionary of the ERROR or ABORT message. */
  readonly details: Dict;

  constructor(uri: string, args: unknown[] = [], kwargs: Dict = {}, details: Dict = {}) {
    super(WampError.describe(uri, args, details));
    this.name = 'WampError';
    this.uri = uri;
    this.args = args;
    this.kwargs = kwargs;
    this.details = details;
  }

  private static describe(uri: string, args: unknown[], details: Dict): string {
    const text = typeof details['message'] === 'string' ? details['message'] : typeof args[0] === 'string' ? args[0] : '';
    return text ? `${uri}: ${text}` : uri;
  }
}

/**
 * A breach of the WAMP protocol by the peer: malformed bytes or messages, or a message
 * out of the session's state. Its `message` says what was wrong, for the ABORT reason.
 */
export class ProtocolViolation extends Error {
  /** The URI a peer is sent when this is detected. */
  readonly uri = WampErrors.protocolViolation;
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolViolation';
  }
}
