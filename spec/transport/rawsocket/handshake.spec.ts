import {
  answerHandshake,
  decodeHandshake,
  encodeHandshake,
  encodeHandshakeError,
  handshakeErrorReason,
  lengthExponentFor,
  maxMessageSizeOf,
  RawSocketHandshakeError,
} from '../../../src/transport/rawsocket/handshake.js';

const all = { serializerIds: [1, 2, 3], lengthExponent: 15 };

describe('RawSocket handshake', () => {
  it('encodes requests octet by octet as the spec lays them out', () => {
    // 0111 1111 | LLLL SSSS | 0000 0000 | 0000 0000
    expect(encodeHandshake(1, 0)).toEqual(Uint8Array.of(0x7f, 0x01, 0x00, 0x00)); // JSON, 512 octets
    expect(encodeHandshake(2, 15)).toEqual(Uint8Array.of(0x7f, 0xf2, 0x00, 0x00)); // MessagePack, 16M
    expect(encodeHandshake(3, 7)).toEqual(Uint8Array.of(0x7f, 0x73, 0x00, 0x00)); // CBOR, 64K
  });

  it('decodes the spec table: 2nd octet 0x01 → JSON, 512; 0xf2 → MessagePack, 2^24', () => {
    expect(decodeHandshake(Uint8Array.of(0x7f, 0x01, 0, 0))).toEqual({ kind: 'accept', serializerId: 1, lengthExponent: 0, maxMessageSize: 512 });
    expect(decodeHandshake(Uint8Array.of(0x7f, 0xf2, 0, 0))).toEqual({ kind: 'accept', serializerId: 2, lengthExponent: 15, maxMessageSize: 16777216 });
    expect(decodeHandshake(Uint8Array.of(0x7f, 0x13, 0, 0))).toEqual({ kind: 'accept', serializerId: 3, lengthExponent: 1, maxMessageSize: 1024 });
  });

  it('encodes and decodes every error reply 1..4 as 0x7F, EEEE 0000, 0, 0', () => {
    const expected = [
      [1, 0x10, 'serializer unsupported'],
      [2, 0x20, 'maximum message length unacceptable'],
      [3, 0x30, 'use of reserved bits (unsupported feature)'],
      [4, 0x40, 'maximum connection count reached'],
    ] as const;
    for (const [code, octet, reason] of expected) {
      expect(encodeHandshakeError(code)).toEqual(Uint8Array.of(0x7f, octet, 0, 0));
      expect(decodeHandshake(Uint8Array.of(0x7f, octet, 0, 0))).toEqual({ kind: 'error', code, reason });
    }
  });

  it('decodes error code 0 (which must not be sent) as illegal, and names unknown codes', () => {
    expect(decodeHandshake(Uint8Array.of(0x7f, 0x00, 0, 0))).toEqual({ kind: 'error', code: 0, reason: 'illegal error code 0' });
    expect(handshakeErrorReason(9)).toBe('unknown error code 9');
  });

  it('refuses to encode error 0, serializer 0 and out-of-range nibbles', () => {
    expect(() => encodeHandshakeError(0)).toThrowError(RangeError);
    expect(() => encodeHandshake(0, 3)).toThrowError(RangeError);
    expect(() => encodeHandshake(16, 3)).toThrowError(RangeError);
    expect(() => encodeHandshake(1, 16)).toThrowError(RangeError);
    expect(() => encodeHandshake(1, 1.5)).toThrowError(RangeError);
  });

  it('rejects a wrong magic octet, e.g. the "G" of an HTTP GET', () => {
    expect(() => decodeHandshake(Uint8Array.of(0x47, 0x45, 0x54, 0x20))).toThrowMatching(
      (e) => e instanceof RawSocketHandshakeError && e.replyCode === undefined && /0x47/.test(e.message),
    );
  });

  it('rejects non-zero reserved octets with reply code 3', () => {
    for (const bytes of [Uint8Array.of(0x7f, 0x01, 0x01, 0), Uint8Array.of(0x7f, 0x01, 0, 0x80)]) {
      expect(() => decodeHandshake(bytes)).toThrowMatching((e) => e instanceof RawSocketHandshakeError && e.replyCode === 3);
    }
  });

  it('needs 4 octets and reads at an offset', () => {
    expect(() => decodeHandshake(Uint8Array.of(0x7f, 0x01, 0))).toThrowError(RangeError);
    expect(decodeHandshake(Uint8Array.of(9, 9, 0x7f, 0x22, 0, 0), 2)).toEqual({ kind: 'accept', serializerId: 2, lengthExponent: 2, maxMessageSize: 2048 });
  });

  it('maps receive limits to LENGTH: the largest 2^(9+L) not above the limit, clamped to 0..15', () => {
    expect(maxMessageSizeOf(0)).toBe(512);
    expect(maxMessageSizeOf(15)).toBe(2 ** 24);
    expect(lengthExponentFor(512)).toBe(0);
    expect(lengthExponentFor(1023)).toBe(0);
    expect(lengthExponentFor(1024)).toBe(1);
    expect(lengthExponentFor(65536)).toBe(7);
    expect(lengthExponentFor(2 ** 24)).toBe(15);
    expect(lengthExponentFor(2 ** 30)).toBe(15);
    expect(lengthExponentFor(Infinity)).toBe(15);
    expect(lengthExponentFor(100)).toBe(0);
    expect(lengthExponentFor(Number.NaN)).toBe(0);
  });

  describe('a router answering', () => {
    it('echoes the serializer with its own LENGTH and learns the client limit', () => {
      const answer = answerHandshake(Uint8Array.of(0x7f, 0x32, 0, 0), { serializerIds: [2], lengthExponent: 4 });
      expect(answer).toEqual({ accepted: true, reply: Uint8Array.of(0x7f, 0x42, 0, 0), serializerId: 2, peerMaxMessageSize: 4096 });
    });

    it('answers error 1 for a serializer it does not speak, and for the illegal id 0', () => {
      const unsupported = answerHandshake(Uint8Array.of(0x7f, 0xf4, 0, 0), all);
      expect(unsupported).toEqual(jasmine.objectContaining({ accepted: false, code: 1, reply: Uint8Array.of(0x7f, 0x10, 0, 0) }));
      const notOffered = answerHandshake(Uint8Array.of(0x7f, 0xf3, 0, 0), { serializerIds: [1], lengthExponent: 15 });
      expect(notOffered).toEqual(jasmine.objectContaining({ accepted: false, code: 1 }));
      const zero = answerHandshake(Uint8Array.of(0x7f, 0xf0, 0, 0), all);
      expect(zero).toEqual(jasmine.objectContaining({ accepted: false, code: 1, reply: Uint8Array.of(0x7f, 0x10, 0, 0) }));
    });

    it('answers error 3 for reserved octets', () => {
      expect(answerHandshake(Uint8Array.of(0x7f, 0xf1, 0, 1), all)).toEqual(jasmine.objectContaining({ accepted: false, code: 3, reply: Uint8Array.of(0x7f, 0x30, 0, 0) }));
    });

    it('does not answer a request with a wrong magic octet', () => {
      const answer = answerHandshake(Uint8Array.of(0x16, 0x03, 0x01, 0x02), all);
      expect(answer.accepted).toBeFalse();
      expect(answer.reply).toBeUndefined();
    });

    it('answers a forced refusal (2, 4) only for an otherwise valid request', () => {
      expect(answerHandshake(Uint8Array.of(0x7f, 0xf1, 0, 0), { ...all, refuseWith: 4 })).toEqual(
        jasmine.objectContaining({ accepted: false, code: 4, reply: Uint8Array.of(0x7f, 0x40, 0, 0), reason: 'maximum connection count reached' }),
      );
      expect(answerHandshake(Uint8Array.of(0x7f, 0x01, 0, 0), { ...all, refuseWith: 2 })).toEqual(
        jasmine.objectContaining({ accepted: false, code: 2, reply: Uint8Array.of(0x7f, 0x20, 0, 0) }),
      );
    });
  });
});
