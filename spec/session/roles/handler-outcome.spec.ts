import { WampError } from '../../../src/protocol/errors.js';
import { WampResult } from '../../../src/session/role-types.js';
import { errorPayload, resultPayload } from '../../../src/session/roles/handler-outcome.js';

describe('handler outcomes', () => {
  it('turns a value into one Argument, undefined into none, and a WampResult into its own', () => {
    expect(resultPayload(5)).toEqual({ args: [5], kwargs: undefined });
    expect(resultPayload(null)).toEqual({ args: [null], kwargs: undefined });
    expect(resultPayload(undefined)).toEqual({ args: undefined, kwargs: undefined });
    expect(resultPayload(new WampResult([1], { a: 2 }))).toEqual({ args: [1], kwargs: { a: 2 } });
    // Kwargs alone: the args default to none.
    expect(resultPayload(new WampResult(undefined, { a: 2 }))).toEqual({ args: [], kwargs: { a: 2 } });
    expect(resultPayload(new WampResult())).toEqual({ args: [], kwargs: {} });
  });

  it('keeps a WampError, and turns anything else into wamp.error.runtime_error with its message only', () => {
    expect(errorPayload(new WampError('com.error.x', [1], { k: 2 }))).toEqual({ uri: 'com.error.x', args: [1], kwargs: { k: 2 } });
    expect(errorPayload(new TypeError('bad input'))).toEqual({ uri: 'wamp.error.runtime_error', args: ['bad input'], kwargs: {} });
    expect(errorPayload('plain text')).toEqual({ uri: 'wamp.error.runtime_error', args: ['plain text'], kwargs: {} });
    expect(errorPayload({ code: 7 })).toEqual({ uri: 'wamp.error.runtime_error', args: ['the procedure failed'], kwargs: {} });
  });
});
