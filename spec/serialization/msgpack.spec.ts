import { MsgpackSerializer } from '../../src/serialization/msgpack.js';
import { checkOptions } from '../../src/protocol/options-schema.js';

describe('MsgpackSerializer', () => {
  it("reads msgpackr's undefined (extension 0, as Wampy.js writes an unset option) as an absent key", () => {
    const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
    // [32, 1, {match: <ext 0: undefined>}, "a.b"]
    const frame = new Uint8Array([0x94, 0x20, 0x01, 0x81, 0xa5, ...ascii('match'), 0xd4, 0x00, 0x00, 0xa3, ...ascii('a.b')]);
    const message = new MsgpackSerializer().decode(frame);
    expect(message.code).toBe(32);
    expect(message.auxiliary).toEqual({ match: undefined });
    expect(checkOptions('SUBSCRIBE', 'Options', { match: null })).toBeUndefined();
    expect(checkOptions('SUBSCRIBE', 'Options', { match: 'nope' })).toMatch(/must be one of exact, prefix, wildcard/);
  });
});
