import { copyPptKeys, PPT_KEYS } from '../../src/protocol/ppt-keys.js';
import type { Dict } from '../../src/protocol/dict.js';

describe('copyPptKeys', () => {
  it('lists the four ppt_ keys in the order of the specification', () => {
    expect(PPT_KEYS).toEqual(['ppt_scheme', 'ppt_serializer', 'ppt_cipher', 'ppt_keyid']);
  });

  it('copies the ppt_ keys that are present, and only those', () => {
    const to: Dict = { exclude_me: false };
    copyPptKeys({ ppt_scheme: 'x_custom', ppt_keyid: 'k1', acknowledge: true }, to);
    // An absent key is not copied as an undefined one (encoders would write it as null).
    expect(Object.keys(to)).toEqual(['exclude_me', 'ppt_scheme', 'ppt_keyid']);
    expect(to).toEqual({ exclude_me: false, ppt_scheme: 'x_custom', ppt_keyid: 'k1' });
  });

  it('copies all four when all are present', () => {
    const to: Dict = {};
    copyPptKeys({ ppt_scheme: 'mqtt', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' }, to);
    expect(to).toEqual({ ppt_scheme: 'mqtt', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' });
  });

  it('copies nothing without a ppt_scheme: the other keys mean nothing alone', () => {
    const to: Dict = {};
    copyPptKeys({ ppt_serializer: 'cbor', ppt_cipher: 'c', ppt_keyid: 'k' }, to);
    expect(Object.keys(to)).toEqual([]);
  });
});
