import { decodeHandshake, encodeHandshake, encodeHandshakeError, RawSocketHandshakeError } from '../../../src/transport/rawsocket/handshake.js';
import { thrown } from '../../support/thrown.js';

describe('RawSocket handshake: exact error texts', () => {
  it('names each bad nibble and its value when encoding', () => {
    expect(thrown(() => encodeHandshake(16, 3))).toBe('RangeError: serializer id must be an integer 0..15, got 16');
    expect(thrown(() => encodeHandshake(1, -1))).toBe('RangeError: length exponent must be an integer 0..15, got -1');
    expect(thrown(() => encodeHandshake(0, 3))).toBe('RangeError: serializer id 0 is illegal');
    expect(thrown(() => encodeHandshakeError(-1))).toBe('RangeError: error code must be an integer 0..15, got -1');
    expect(thrown(() => encodeHandshakeError(0))).toBe('RangeError: handshake error code 0 must not be used');
  });

  it('needs 4 octets from the offset, and names a wrong magic octet', () => {
    expect(thrown(() => decodeHandshake(Uint8Array.of(0x7f, 0xf1, 0, 0), 2))).toBe('RangeError: a RawSocket handshake has 4 octets');
    expect(thrown(() => decodeHandshake(Uint8Array.of(0x05, 0xf1, 0, 0)))).toBe(
      'RawSocketHandshakeError: not a RawSocket handshake: first octet is 0x05, not 0x7f',
    );
    expect(() => decodeHandshake(Uint8Array.of(0x05, 0xf1, 0, 0))).toThrowMatching((e) => e instanceof RawSocketHandshakeError);
  });
});
