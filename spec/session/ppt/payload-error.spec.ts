import { WampError } from '../../../src/protocol/errors.js';
import { INVALID_PAYLOAD, PayloadError } from '../../../src/session/ppt/payload-error.js';

describe('PayloadError', () => {
  it('is a WampError invalid_payload with the text as its single argument and as Details.message, named PayloadError', () => {
    const error = new PayloadError('the payload cannot be read');
    expect(error).toBeInstanceOf(WampError);
    expect(error.uri).toBe(INVALID_PAYLOAD);
    expect(INVALID_PAYLOAD).toBe('wamp.error.invalid_payload');
    expect(error.args).toEqual(['the payload cannot be read']);
    expect(error.kwargs).toEqual({});
    expect(error.details).toEqual({ message: 'the payload cannot be read' });
    expect(error.message).toBe('wamp.error.invalid_payload: the payload cannot be read');
    expect(error.name).toBe('PayloadError');
    expect(String(error)).toBe('PayloadError: wamp.error.invalid_payload: the payload cannot be read');
    expect('cause' in error).withContext('no cause given, none set').toBeFalse();
  });

  it('keeps a cause like Error does: an own property that is not enumerable (not spread or serialized as data)', () => {
    const cause = new Error('authentication failed');
    const error = new PayloadError('the payload cannot be decrypted', { cause });
    expect(error.cause).toBe(cause);
    expect(Object.getOwnPropertyDescriptor(error, 'cause')).toEqual({ value: cause, enumerable: false, writable: false, configurable: false });
    expect(Object.keys(error)).not.toContain('cause');
    expect(JSON.parse(JSON.stringify(error)) as unknown).toEqual({ uri: INVALID_PAYLOAD, args: ['the payload cannot be decrypted'], kwargs: {}, details: { message: 'the payload cannot be decrypted' }, name: 'PayloadError' });
  });
});
