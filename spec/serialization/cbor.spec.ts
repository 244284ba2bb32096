import { CborSerializer } from '../../src/serialization/cbor.js';
import { ProtocolViolation } from '../../src/protocol/errors.js';

describe('CborSerializer', () => {
  const cbor = new CborSerializer();

  it('reads CBOR undefined as an option not given, so that a decoded message re-encodes without it', () => {
    // [16, 1, {"x": undefined}, "a.b"]: a PUBLISH whose option value is CBOR simple value 23.
    const bytes = Uint8Array.from([0x84, 0x10, 0x01, 0xa1, 0x61, 0x78, 0xf7, 0x63, 0x61, 0x2e, 0x62]);
    const message = cbor.decode(bytes);
    expect(message.toArray()).toEqual([16, 1, {}, 'a.b']);
    expect(cbor.decode(cbor.encode(message)).toArray()).toEqual(message.toArray());
  });

  it('reads a known option whose value arrives as undefined as absent (cbor-x peers such as Wampy.js write unset options so)', () => {
    // [16, 1, {"acknowledge": undefined}, "a.b"]
    const key = [...new TextEncoder().encode('acknowledge')];
    const bytes = Uint8Array.from([0x84, 0x10, 0x01, 0xa1, 0x60 + key.length, ...key, 0xf7, 0x63, 0x61, 0x2e, 0x62]);
    expect(cbor.decode(bytes).toArray()).toEqual([16, 1, {}, 'a.b']);
    const message = cbor.decode(bytes);
    expect(message.code).toBe(16);
    expect(message.code === 16 && message.publisherWantsAcknowledgement()).toBeFalse();
    // A value of the wrong type is still refused.
    const wrong = Uint8Array.from([0x84, 0x10, 0x01, 0xa1, 0x60 + key.length, ...key, 0x01, 0x63, 0x61, 0x2e, 0x62]);
    expect(() => cbor.decode(wrong)).toThrowMatching((e) => e instanceof ProtocolViolation && e.message.includes('acknowledge'));
  });

  it('refuses text frames and integers beyond 2^53 as ids', () => {
    expect(() => cbor.decode('[1]')).toThrowError(ProtocolViolation);
    // [48, 2^64-1, {}, "a"]
    const bytes = Uint8Array.from([0x84, 0x18, 0x30, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xa0, 0x61, 0x61]);
    expect(() => cbor.decode(bytes)).toThrowError(ProtocolViolation);
  });
});
