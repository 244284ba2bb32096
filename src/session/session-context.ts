import type { RoleName } from '../protocol/features.js';
import type { WampMessage } from '../protocol/message.js';
import type { PayloadPassthru } from './ppt/payload-passthru.js';

/** What the role handlers (publisher, subscriber, caller, callee) need from their session. */
export interface SessionContext {
  /** Encodes and sends a message; throws when it cannot be encoded or is too large. */
  send(message: WampMessage): void;
  /** The next session-scope request id. */
  nextRequestId(): number;
  /** True while requests may be sent (established, not closing). */
  readonly isOpen: boolean;
  /** Throws the reason the session cannot take a new request, if it cannot. */
  assertOpen(): void;
  /** Throws a `wamp.error.feature_not_supported` WampError when the router did not announce `feature` and announcements are required. */
  requireFeature(role: RoleName, feature: string, what: string): void;
  /** Did the router announce `feature` for `role`? */
  routerHas(role: RoleName, feature: string): boolean;
  /** Whether inbound session-scope request ids (INVOCATION) must be sequential. */
  readonly checkRequestIds: boolean;
  /**
   * A message answers nothing pending (`what` says which): throws a ProtocolViolation when
   * stray messages are rejected; returns when they are dropped.
   */
  stray(what: string): void;
  /** Packs and unpacks Payload Passthru Mode payloads (with the session's ciphers). */
  readonly payloads: PayloadPassthru;
}

/** How a session's end reaches its roles: `clean` after a GOODBYE exchange. */
export interface SessionEnd {
  readonly error: Error;
  readonly clean: boolean;
}

/** The interface every role handler implements for its session. */
export interface RoleHandler {
  /** Handles an inbound message of this role; throws ProtocolViolation when it is out of place. */
  handle(message: WampMessage): void;
  /** Ends every pending request and live stream of this role. */
  end(end: SessionEnd): void;
  /** Entries in the role's internal maps, for leak checks. */
  size(): number;
}
