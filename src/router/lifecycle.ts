import type { MonoTypeOperatorFunction } from 'rxjs';
import { WampErrors } from '../protocol/errors.js';
import { hasRole } from '../protocol/features.js';
import type { RoleName } from '../protocol/features.js';
import { Codes } from '../protocol/message-table.js';
import type { Logger } from './logger.js';
import type { Routed } from './routed.js';
import { stage } from './stage.js';

/**
 * What an established client may send a router; every other message type is a protocol
 * violation (HELLO again, WELCOME, EVENT, RESULT, INVOCATION, …).
 */
const FROM_CLIENT: ReadonlySet<number> = new Set([
  Codes.GOODBYE,
  Codes.ABORT,
  Codes.ERROR, // for an INVOCATION only
  Codes.PUBLISH,
  Codes.SUBSCRIBE,
  Codes.UNSUBSCRIBE,
  Codes.CALL,
  Codes.CANCEL,
  Codes.REGISTER,
  Codes.UNREGISTER,
  Codes.YIELD,
  Codes.EVENT_RECEIVED, // acknowledged event delivery: accepted and dropped
]);

/** The client role each request message belongs to (ERROR from a client answers an INVOCATION: callee). */
const ROLE_OF: ReadonlyMap<number, RoleName> = new Map<number, RoleName>([
  [Codes.PUBLISH, 'publisher'],
  [Codes.SUBSCRIBE, 'subscriber'],
  [Codes.UNSUBSCRIBE, 'subscriber'],
  [Codes.EVENT_RECEIVED, 'subscriber'],
  [Codes.CALL, 'caller'],
  [Codes.CANCEL, 'caller'],
  [Codes.REGISTER, 'callee'],
  [Codes.UNREGISTER, 'callee'],
  [Codes.YIELD, 'callee'],
  [Codes.ERROR, 'callee'],
]);

/** What the lifecycle stage needs from its realm. */
export interface LifecycleContext {
  readonly logger: Logger;
  /** Refuse (ABORT) messages of a client role the session did not announce in HELLO. */
  readonly strictPeerRoles?: boolean;
}

/**
 * The first stage: GOODBYE and ABORT from established sessions, the message types a
 * client may not send in that state and, with `strictPeerRoles`, those of roles it did
 * not announce. What remains passes on to the role stages.
 */
export function lifecycle(context: LifecycleContext): MonoTypeOperatorFunction<Routed> {
  return stage('lifecycle', context.logger, (emit) => ({
    handle(routed) {
      if (routed.kind !== 'in') return emit(routed);
      const { session, message } = routed;
      if (!FROM_CLIENT.has(message.code)) {
        return session.abort(WampErrors.protocolViolation, `${message.name} is not a message a client may send to an established session`);
      }
      if (context.strictPeerRoles === true) {
        const role = ROLE_OF.get(message.code);
        if (role !== undefined && !hasRole(session.roles, role)) {
          // The spec's rule for a peer's protocol errors: abort the session.
          return session.abort(WampErrors.protocolViolation, `${message.name} needs the ${role} role, which the session did not announce in HELLO (the realm has strictPeerRoles on)`);
        }
      }
      switch (message.code) {
        case Codes.GOODBYE:
          return session.answerGoodbye();
        case Codes.ABORT:
          return session.end('wamp.close.aborted_by_peer');
        case Codes.ERROR:
          if (message.fields['REQUEST.Type'] !== Codes.INVOCATION) {
            return session.abort(WampErrors.protocolViolation, `a client may send ERROR only for an INVOCATION, not for request type ${message.fields['REQUEST.Type']}`);
          }
          break;
        case Codes.EVENT_RECEIVED:
          return;
      }
      emit(routed);
    },
  }));
}
