import { Codes } from '../protocol/message-table.js';
import { ERROR_ALIASES, WampError } from '../protocol/errors.js';
import type { Message } from '../protocol/message.js';

/** The WampError an ERROR or ABORT message stands for (alias URIs normalized). */
export function wampErrorFrom(message: Message<'ERROR'> | Message<'ABORT'>): WampError {
  const uri = message.code === Codes.ERROR ? message.fields.Error : message.fields.Reason;
  return new WampError(ERROR_ALIASES[uri] ?? uri, message.args, message.kwargs, message.fields.Details);
}
