import { outboundPptMode, pptModeOf } from '../../../src/session/ppt/ppt-mode.js';

describe('pptModeOf', () => {
  it('is undefined without ppt_scheme, with an empty one or with one that is not a string', () => {
    expect(pptModeOf(undefined)).toBeUndefined();
    expect(pptModeOf({})).toBeUndefined();
    expect(pptModeOf({ ppt_scheme: '', ppt_serializer: 'json' })).toBeUndefined();
    expect(pptModeOf({ ppt_scheme: 1 })).toBeUndefined();
  });

  it('keeps the string ppt_ attributes beside the scheme and drops anything else', () => {
    expect(pptModeOf({ ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k', other: 1 })).toEqual({ ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' });
    expect(pptModeOf({ ppt_scheme: 'x_test', ppt_serializer: 5 })).toEqual({ ppt_scheme: 'x_test' });
  });
});

describe('outboundPptMode', () => {
  it('names the serializer a receiver must use: native for a plain payload, cbor under a cipher, the given one as it is', () => {
    expect(outboundPptMode({})).toBeUndefined();
    expect(outboundPptMode({ ppt_scheme: '' })).toBeUndefined();
    expect(outboundPptMode({ ppt_scheme: 'x_test' })).toEqual({ ppt_scheme: 'x_test', ppt_serializer: 'native' });
    expect(outboundPptMode({ ppt_scheme: 'wamp', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' })).toEqual({ ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' });
    expect(outboundPptMode({ ppt_scheme: 'x_test', ppt_serializer: 'msgpack' })).toEqual({ ppt_scheme: 'x_test', ppt_serializer: 'msgpack' });
  });
});
