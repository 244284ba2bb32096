import { WampErrors, WampError } from '../../protocol/errors.js';
import type { Dict } from '../../protocol/dict.js';
import { WampResult } from '../role-types.js';

/** The Arguments and ArgumentsKw a handler's value becomes: a WampResult's own, else `[value]` (nothing for undefined). */
export function resultPayload(value: unknown): { args: unknown[] | undefined; kwargs: Dict | undefined } {
  if (value instanceof WampResult) return { args: value.args, kwargs: value.kwargs };
  return { args: value === undefined ? undefined : [value], kwargs: undefined };
}

/**
 * The ERROR a handler's failure becomes: a WampError keeps its URI, args and kwargs;
 * anything else is `wamp.error.runtime_error` with its message only (never a stack trace).
 */
export function errorPayload(err: unknown): { uri: string; args: unknown[]; kwargs: Dict } {
  if (err instanceof WampError) return { uri: err.uri, args: err.args, kwargs: err.kwargs };
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : 'the procedure failed';
  return { uri: WampErrors.runtimeError, args: [text], kwargs: {} };
}
