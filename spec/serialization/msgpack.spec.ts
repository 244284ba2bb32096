import { ProtocolViolation } from '../../src/protocol/errors.js';
import { MsgpackSerializer } from '../../src/serialization/msgpack.js';

describe('MsgpackSerializer', () => {
  const msgpack = new MsgpackSerializer();
  const topic = [0xa3, 0x61, 0x2e, 0x62]; // "a.b"
  const key = (text: string): number[] => [0xa0 + text.length, ...new TextEncoder().encode(text)];

  it("reads msgpackr's undefined (fixext 1, type 0, one zero byte) as an option not given, as Wampy.js sends it", () => {
    // [32, 1, {"match": undefined, "get_retained": undefined}, "a.b"] as msgpackr writes it.
    const undef = [0xd4, 0x00, 0x00];
    const bytes = Uint8Array.from([0x94, 0x20, 0x01, 0x82, ...key('match'), ...undef, ...key('get_retained'), ...undef, ...topic]);
    expect(msgpack.decode(bytes).toArray()).toEqual([32, 1, {}, 'a.b']);
  });

  it('reads nil options as not given, and refuses other type-0 extensions where a value is checked', () => {
    const bytes = Uint8Array.from([0x94, 0x20, 0x01, 0x81, ...key('match'), 0xc0, ...topic]);
    expect(msgpack.decode(bytes).toArray()).toEqual([32, 1, {}, 'a.b']);
    const other = Uint8Array.from([0x94, 0x20, 0x01, 0x81, ...key('match'), 0xd4, 0x00, 0x07, ...topic]);
    expect(() => msgpack.decode(other)).toThrowMatching((e) => e instanceof ProtocolViolation && e.message.includes('Options.match'));
  });
});
