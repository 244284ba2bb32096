import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { messageFromArray } from '../../src/protocol/message.js';
import { MsgpackSerializer } from '../../src/serialization/msgpack.js';
import { appendElements } from '../../src/serialization/append-elements.js';
import { splitMsgpack } from '../../src/serialization/msgpack-spans.js';
import { expectProperty } from '../support/property-check.js';
import { binaryFrames, equalBytes, oneByteChanged } from '../support/binary-frames.js';

const serializer = new MsgpackSerializer();
const encode = (array: unknown[]): Uint8Array => serializer.encode(messageFromArray(array));

function decodes(bytes: Uint8Array): unknown[] | undefined {
  try {
    return decode(bytes) as unknown[];
  } catch {
    return undefined;
  }
}

describe('splitMsgpack', () => {
  it('finds the exact bytes of Arguments and ArgumentsKw, and an envelope that decodes to the rest', () => {
    expectProperty(
      fc.property(binaryFrames, ({ head, tail }) => {
        const frame = encode([...head, ...tail]);
        const split = splitMsgpack(frame);
        if (split === undefined) return false;
        const spans = split.kwargs === undefined ? [split.args] : [split.args, split.kwargs];
        const whole = decode(frame) as unknown[];
        expect(decode(split.envelope)).toEqual(whole.slice(0, head.length));
        expect(spans.map((s) => s.decode())).toEqual(whole.slice(head.length));
        expect(equalBytes(appendElements(split.envelope, spans.map((s) => s.encoded as Uint8Array), 0x90, 0x0f), frame)).toBeTrue();
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never vouches for bytes the decoder refuses or reads differently: one octet changed, inserted, or the frame cut', () => {
    expectProperty(
      fc.property(oneByteChanged(binaryFrames.map(({ head, tail }) => encode([...head, ...tail]))), (edited) => {
        const split = splitMsgpack(edited);
        if (split === undefined) return true;
        const whole = decodes(edited);
        const spans = split.kwargs === undefined ? [split.args] : [split.args, split.kwargs];
        return whole !== undefined && JSON.stringify(whole.slice(-spans.length), replacer) === JSON.stringify(spans.map((s) => s.decode()), replacer);
      }),
      { numRuns: 3000 },
    );
  });

  it('declines extension types, invalid UTF-8, non-string keys and __proto__, leaving them to the whole decode', () => {
    const call = [0x95, 0x30, 0x01, 0x80, 0xa1, 0x70];
    const withArgs = (...args: number[]): Uint8Array => new Uint8Array([...call, ...args]);
    expect(splitMsgpack(withArgs(0x91, 0x01))).toBeDefined();
    expect(splitMsgpack(withArgs(0x91, 0xd4, 0x00, 0x00))).toBeUndefined(); // fixext 1 (msgpackr's undefined)
    expect(splitMsgpack(withArgs(0x91, 0xa2, 0xc3, 0x28))).toBeUndefined(); // invalid UTF-8
    expect(splitMsgpack(withArgs(0x91, 0xc1))).toBeUndefined(); // never used
    expect(splitMsgpack(withArgs(0x91, 0x81, 0x91, 0x01, 0x01))).toBeUndefined(); // a list as a key
    expect(splitMsgpack(withArgs(0x91, 0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x01))).toBeUndefined();
    expect(splitMsgpack(withArgs(0xa1, 0x70))).toBeUndefined(); // a string where Arguments go (passthru mode)
  });

  it('keeps encodings a re-encode would change: integers in wider formats, integral floats', () => {
    const frame = new Uint8Array([0x95, 0x30, 0x01, 0x80, 0xa1, 0x70, 0x92, 0xcd, 0x00, 0x01, 0xcb, 0x40, 0, 0, 0, 0, 0, 0, 0]);
    const split = splitMsgpack(frame)!;
    expect(equalBytes(split.args.encoded as Uint8Array, frame.subarray(6))).toBeTrue();
    expect(split.args.decode()).toEqual([1, 2]);
    expect(split.args.depth).toBe(1);
  });
});

/** JSON for comparing decoded values: bytes as text. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? [...value].join(',') : value;
}
