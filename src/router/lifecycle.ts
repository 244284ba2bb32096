import type { MonoTypeOperatorFunction } from 'rxjs';
import { WampErrors } from '../protocol/errors.js';
import type { Logger } from './logger.js';
import type { Routed } from './routed.js';
import { stage } from './stage.js';

const INVOCATION = 68;

/**
 * What an established client may send a router; every other message type is a protocol
 * violation (HELLO again, WELCOME, EVENT, RESULT, INVOCATION, …).
 */
const FROM_CLIENT: ReadonlySet<number> = new Set([
  6, // GOODBYE
  3, // ABORT
  8, // ERROR (for an INVOCATION)
  16, // PUBLISH
  32, // SUBSCRIBE
  34, // UNSUBSCRIBE
  48, // CALL
  49, // CANCEL
  64, // REGISTER
  66, // UNREGISTER
  70, // YIELD
  337, // EVENT_RECEIVED (acknowledged event delivery, accepted and dropped)
]);

/** What the lifecycle stage needs from its realm. */
export interface LifecycleContext {
  readonly logger: Logger;
}

/**
 * The first stage: GOODBYE and ABORT from established sessions, and the message types a
 * client may not send in that state. What remains passes on to the role stages.
 */
export function lifecycle(context: LifecycleContext): MonoTypeOperatorFunction<Routed> {
  return stage('lifecycle', context.logger, (emit) => ({
    handle(routed) {
      if (routed.kind !== 'in') return emit(routed);
      const { session, message } = routed;
      if (!FROM_CLIENT.has(message.code)) {
        return session.abort(WampErrors.protocolViolation, `${message.name} is not a message a client may send to an established session`);
      }
      switch (message.code) {
        case 6:
          return session.answerGoodbye();
        case 3:
          return session.end('wamp.close.aborted_by_peer');
        case 8:
          if (message.fields['REQUEST.Type'] !== INVOCATION) {
            return session.abort(WampErrors.protocolViolation, `a client may send ERROR only for an INVOCATION, not for request type ${message.fields['REQUEST.Type']}`);
          }
          break;
        case 337:
          return;
      }
      emit(routed);
    },
  }));
}
