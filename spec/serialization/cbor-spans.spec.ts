import { decode } from 'cborg';
import fc from 'fast-check';
import { messageFromArray } from '../../src/protocol/message.js';
import { CborSerializer } from '../../src/serialization/cbor.js';
import { DECODE_OPTIONS } from '../../src/serialization/cbor-options.js';
import { appendElements } from '../../src/serialization/append-elements.js';
import { splitCbor } from '../../src/serialization/cbor-spans.js';
import { binaryFrames, equalBytes, oneByteChanged } from '../support/binary-frames.js';
import { expectProperty } from '../support/property-check.js';

const serializer = new CborSerializer();
const encode = (array: unknown[]): Uint8Array => serializer.encode(messageFromArray(array));

function decodes(bytes: Uint8Array): unknown[] | undefined {
  try {
    return decode(bytes, DECODE_OPTIONS) as unknown[];
  } catch {
    return undefined;
  }
}

describe('splitCbor', () => {
  it('finds the exact bytes of Arguments and ArgumentsKw, and an envelope that decodes to the rest', () => {
    expectProperty(
      fc.property(binaryFrames, ({ head, tail }) => {
        const frame = encode([...head, ...tail]);
        const split = splitCbor(frame);
        if (split === undefined) return false;
        const spans = split.kwargs === undefined ? [split.args] : [split.args, split.kwargs];
        const whole = decode(frame, DECODE_OPTIONS) as unknown[];
        expect(decode(split.envelope, DECODE_OPTIONS)).toEqual(whole.slice(0, head.length));
        expect(spans.map((s) => s.decode())).toEqual(whole.slice(head.length));
        expect(equalBytes(appendElements(split.envelope, spans.map((s) => s.encoded as Uint8Array), 0x80, 0x1f), frame)).toBeTrue();
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never vouches for bytes the decoder refuses or reads differently: one octet changed, inserted, or the frame cut', () => {
    expectProperty(
      fc.property(oneByteChanged(binaryFrames.map(({ head, tail }) => encode([...head, ...tail]))), (edited) => {
        const split = splitCbor(edited);
        if (split === undefined) return true;
        const whole = decodes(edited);
        const spans = split.kwargs === undefined ? [split.args] : [split.args, split.kwargs];
        return whole !== undefined && JSON.stringify(whole.slice(-spans.length), replacer) === JSON.stringify(spans.map((s) => s.decode()), replacer);
      }),
      { numRuns: 3000 },
    );
  });

  it('declines tags, indefinite lengths, undefined, repeated keys and invalid UTF-8, leaving them to the whole decode', () => {
    const call = [0x85, 0x18, 0x30, 0x01, 0xa0, 0x61, 0x70];
    const withArgs = (...args: number[]): Uint8Array => new Uint8Array([...call, ...args]);
    expect(splitCbor(withArgs(0x81, 0x01))).toBeDefined();
    expect(splitCbor(withArgs(0x81, 0xc1, 0x01))).toBeUndefined(); // tag 1
    expect(splitCbor(withArgs(0x9f, 0x01, 0xff))).toBeUndefined(); // indefinite list
    expect(splitCbor(withArgs(0x81, 0xf7))).toBeUndefined(); // undefined, which reads as null
    expect(splitCbor(withArgs(0x81, 0xa2, 0x61, 0x6b, 0x01, 0x61, 0x6b, 0x02))).toBeUndefined(); // {"k":1,"k":2}
    expect(splitCbor(withArgs(0x81, 0xa1, 0x01, 0x01))).toBeUndefined(); // an integer key
    expect(splitCbor(withArgs(0x81, 0x62, 0xc3, 0x28))).toBeUndefined(); // invalid UTF-8
    expect(splitCbor(withArgs(0x41, 0x00))).toBeUndefined(); // bytes where Arguments go (passthru mode)
  });

  it('keeps lengths and integers written in more octets than needed', () => {
    const frame = new Uint8Array([0x85, 0x18, 0x30, 0x01, 0xa0, 0x61, 0x70, 0x98, 0x02, 0x19, 0x00, 0x01, 0x7a, 0, 0, 0, 1, 0x61]);
    const split = splitCbor(frame)!;
    expect(equalBytes(split.args.encoded as Uint8Array, frame.subarray(7))).toBeTrue();
    expect(split.args.decode()).toEqual([1, 'a']);
    expect(split.args.empty).toBeFalse();
  });
});

/** JSON for comparing decoded values: bytes and BigInts as text. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  return value instanceof Uint8Array ? [...value].join(',') : value;
}
