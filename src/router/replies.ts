import type { Dict } from '../protocol/dict.js';
import { createMessage } from '../protocol/message.js';
import type { Outbound } from './routed.js';
import type { RealmSession } from './realm-session.js';

/** An ERROR answering request `request` of type `requestType` (a message code) of `session`. */
export function errorReply(session: RealmSession, requestType: number, request: number, error: string, args?: unknown[], kwargs?: Dict, details: Dict = {}): Outbound {
  return {
    kind: 'out',
    session,
    message: createMessage('ERROR', { 'REQUEST.Type': requestType, 'REQUEST.Request': request, Details: details, Error: error, Arguments: args, ArgumentsKw: kwargs }),
  };
}

/** An ERROR whose only argument is a human-readable explanation, as Crossbar and Autobahn send. */
export function explainedError(session: RealmSession, requestType: number, request: number, error: string, explanation: string): Outbound {
  return errorReply(session, requestType, request, error, [explanation]);
}
