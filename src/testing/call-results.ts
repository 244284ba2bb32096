import type { Dict } from '../protocol/dict.js';
import type { CallResult } from '../session/role-types.js';

/**
 * The progressive RESULT a caller sees when the callee's handler emitted `value` (as the
 * router of a {@link TestRealm} delivers it): for the expected values of a marble diagram.
 */
export function progressResult<V>(value: V, kwargs: Dict = {}): CallResult & { readonly args: [V]; readonly progress: true } {
  return { args: [value], kwargs, details: { progress: true }, progress: true };
}

/** The final RESULT a caller sees when the callee's handler returned (or last emitted) `value`: for marble diagrams. */
export function finalResult<V>(value: V, kwargs: Dict = {}): CallResult & { readonly args: [V]; readonly progress: false } {
  return { args: [value], kwargs, details: {}, progress: false };
}
