import fc from 'fast-check';
import {
  decodeFrameHeader,
  encodeFrame,
  encodeFrameHeader,
  FrameDecoder,
  FramingError,
  MAX_FRAME_PAYLOAD,
} from '../../../src/transport/rawsocket/framing.js';
import type { RawSocketFrame, RawSocketFrameTypeId } from '../../../src/transport/rawsocket/framing.js';

function decodeAll(decoder: FrameDecoder, chunks: Uint8Array[]): Array<{ type: number; payload: number[] }> {
  const frames: Array<{ type: number; payload: number[] }> = [];
  for (const chunk of chunks) decoder.push(chunk, (f) => frames.push({ type: f.type, payload: Array.from(f.payload) }));
  return frames;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function failure(fn: () => void): FramingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FramingError) return err;
    throw err;
  }
  throw new Error('expected a FramingError');
}

describe('RawSocket framing', () => {
  it('writes prefixes octet by octet as the spec lays them out (RRRR XTTT + 24-bit length)', () => {
    expect(encodeFrameHeader(0, 0)).toEqual(Uint8Array.of(0x00, 0x00, 0x00, 0x00));
    expect(encodeFrameHeader(0, 5)).toEqual(Uint8Array.of(0x00, 0x00, 0x00, 0x05));
    expect(encodeFrameHeader(1, 0x112233)).toEqual(Uint8Array.of(0x01, 0x11, 0x22, 0x33)); // PING
    expect(encodeFrameHeader(2, 0xffffff)).toEqual(Uint8Array.of(0x02, 0xff, 0xff, 0xff)); // PONG, 2^24-1
    expect(encodeFrameHeader(0, 2 ** 24)).toEqual(Uint8Array.of(0x08, 0x00, 0x00, 0x00)); // 25th bit
  });

  it('refuses to write a length outside 0..2^24', () => {
    expect(() => encodeFrameHeader(0, 2 ** 24 + 1)).toThrowError(RangeError);
    expect(() => encodeFrameHeader(0, -1)).toThrowError(RangeError);
  });

  it('encodes a JSON HELLO frame exactly', () => {
    const json = '[1,"realm1",{}]';
    const bytes = encodeFrame(0, new TextEncoder().encode(json));
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x00, 0x00, 0x0f]);
    expect(new TextDecoder().decode(bytes.subarray(4))).toBe(json);
  });

  it('decodes a hand-written stream: message, PING, PONG, empty message', () => {
    const stream = Uint8Array.of(
      0x00, 0x00, 0x00, 0x03, 0x5b, 0x36, 0x5d, // message "[6]"
      0x01, 0x00, 0x00, 0x02, 0xca, 0xfe, //       PING cafe
      0x02, 0x00, 0x00, 0x01, 0x07, //             PONG 07
      0x00, 0x00, 0x00, 0x00, //                   empty message
    );
    expect(decodeAll(new FrameDecoder(), [stream])).toEqual([
      { type: 0, payload: [0x5b, 0x36, 0x5d] },
      { type: 1, payload: [0xca, 0xfe] },
      { type: 2, payload: [0x07] },
      { type: 0, payload: [] },
    ]);
  });

  it('reads the 25th length bit only for exactly 2^24', () => {
    const header = decodeFrameHeader(0x08, 0, 0, 0, MAX_FRAME_PAYLOAD);
    expect([header.type, header.length]).toEqual([0, 2 ** 24]);
    expect(failure(() => decodeFrameHeader(0x08, 0, 0, 1, Infinity)).code).toBe('framing');
  });

  it('fails on reserved bits and reserved types 3..7', () => {
    expect(failure(() => decodeFrameHeader(0x10, 0, 0, 1, 100)).message).toContain('reserved bits');
    expect(failure(() => decodeFrameHeader(0x80, 0, 0, 1, 100)).code).toBe('framing');
    for (let t = 3; t <= 7; t++) expect(failure(() => decodeFrameHeader(t, 0, 0, 1, 100)).message).toContain(`type ${t} is reserved`);
  });

  it('fails a frame over the receive limit with too_large, as soon as its prefix arrives', () => {
    const decoder = new FrameDecoder(512);
    const err = failure(() => decoder.push(Uint8Array.of(0x00, 0x00, 0x02, 0x01), () => fail('no frame expected')));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('513 octets exceeds the maximum of 512');
    // The decoder stays failed.
    expect(failure(() => decoder.push(Uint8Array.of(0), () => undefined)).code).toBe('too_large');
  });

  it('accepts a frame of exactly the limit, also for PING', () => {
    const decoder = new FrameDecoder(512);
    const frames = decodeAll(decoder, [encodeFrame(1, new Uint8Array(512))]);
    expect(frames.length).toBe(1);
  });

  it('fails on a bad prefix split across chunks', () => {
    const decoder = new FrameDecoder();
    decoder.push(Uint8Array.of(0x00, 0x00, 0x00, 0x01, 0xaa, 0x05), () => undefined);
    expect(failure(() => decoder.push(Uint8Array.of(0x00, 0x00, 0x01), () => undefined)).code).toBe('framing');
  });

  it('tracks whether a frame is pending', () => {
    const decoder = new FrameDecoder();
    expect(decoder.idle).toBeTrue();
    decoder.push(Uint8Array.of(0x00, 0x00), () => undefined);
    expect(decoder.idle).toBeFalse();
    decoder.push(Uint8Array.of(0x00, 0x01), () => undefined);
    expect(decoder.idle).toBeFalse();
    decoder.push(Uint8Array.of(0x01), () => undefined);
    expect(decoder.idle).toBeTrue();
  });

  const frameArb = fc.record({
    type: fc.constantFrom<RawSocketFrameTypeId>(0, 1, 2),
    payload: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 100, maxLength: 3000 })),
  });

  it('decodes any split of a valid byte stream to the same frames (property)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (frames, cutSeeds) => {
        const stream = concat(frames.map((f) => encodeFrame(f.type, f.payload)));
        const cuts = [...new Set(cutSeeds.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let last = 0;
        for (const cut of [...cuts, stream.length]) {
          chunks.push(stream.slice(last, cut)); // may be empty
          last = cut;
        }
        const decoder = new FrameDecoder(4096);
        const got = decodeAll(decoder, chunks);
        expect(got).toEqual(frames.map((f) => ({ type: f.type, payload: Array.from(f.payload) })));
        expect(decoder.idle).toBeTrue();
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a stream fed one octet at a time (property)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 6 }), (frames) => {
        const stream = concat(frames.map((f) => encodeFrame(f.type, f.payload)));
        const chunks = Array.from(stream, (b) => Uint8Array.of(b));
        const seen: RawSocketFrame[] = [];
        const decoder = new FrameDecoder();
        for (const c of chunks) decoder.push(c, (f) => seen.push(f));
        expect(seen.map((f) => Array.from(f.payload))).toEqual(frames.map((f) => Array.from(f.payload)));
      }),
      { numRuns: 50 },
    );
  });
});
