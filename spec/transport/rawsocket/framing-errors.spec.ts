import { decodeFrameHeader, encodeFrame, encodeFrameHeader, FrameDecoder } from '../../../src/transport/rawsocket/framing.js';
import type { RawSocketFrame } from '../../../src/transport/rawsocket/framing.js';
import { thrown } from '../../support/thrown.js';

describe('RawSocket framing: exact error texts and the zero-copy path', () => {
  it('names a length that no frame can carry', () => {
    expect(thrown(() => encodeFrameHeader(0, -1))).toBe('RangeError: a RawSocket frame carries 0..2^24 octets, not -1');
  });

  it('names the first octet of a prefix with reserved bits, as a FramingError', () => {
    expect(thrown(() => decodeFrameHeader(0x10, 0, 0, 1, 1024))).toBe('FramingError: RawSocket frame prefix uses reserved bits (first octet 0x10)');
    // Padded to two hex digits: 0x08 (the 2^24 bit with a non-zero low length), not 0x8.
    expect(thrown(() => decodeFrameHeader(0x08, 0, 0, 1, 1024))).toBe('FramingError: RawSocket frame prefix uses reserved bits (first octet 0x08)');
  });

  it('delivers a frame that lies wholly in one chunk as a view on that chunk, not a copy', () => {
    const chunk = new Uint8Array([...encodeFrame(0, Uint8Array.of(1, 2)), ...encodeFrame(0, Uint8Array.of(3))]);
    const frames: RawSocketFrame[] = [];
    new FrameDecoder().push(chunk, (f) => frames.push(f));
    expect(frames.map((f) => Array.from(f.payload))).toEqual([[1, 2], [3]]);
    expect(frames.map((f) => [f.payload.buffer === chunk.buffer, f.payload.byteOffset])).toEqual([
      [true, 4],
      [true, 10],
    ]);
  });
});
