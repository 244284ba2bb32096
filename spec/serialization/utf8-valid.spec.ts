import fc from 'fast-check';
import { isValidUtf8 } from '../../src/serialization/utf8-valid.js';
import { expectProperty } from '../support/property-check.js';

const fatal = new TextDecoder('utf-8', { fatal: true });

function decodable(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('isValidUtf8', () => {
  it('agrees with a fatal TextDecoder on arbitrary bytes', () => {
    expectProperty(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => isValidUtf8(bytes, 0, bytes.length) === decodable(bytes)), { numRuns: 2000 });
  });

  it('accepts any text encoded as UTF-8, including 4-octet characters', () => {
    const te = new TextEncoder();
    expectProperty(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
      const bytes = te.encode(text);
      return isValidUtf8(bytes, 0, bytes.length);
    }));
  });

  it('finds one bad octet anywhere in long ASCII runs, at any alignment (the word-at-a-time path)', () => {
    const property = fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 64, max: 300 }), fc.nat(), fc.constantFrom(0x80, 0xc0, 0xff, 0xed), (offset, length, at, bad) => {
      const buffer = new Uint8Array(offset + length).fill(0x61);
      const bytes = buffer.subarray(offset);
      const valid = isValidUtf8(bytes, 0, bytes.length);
      bytes[at % length] = bad;
      return valid && !isValidUtf8(bytes, 0, bytes.length);
    });
    expectProperty(property, { numRuns: 500 });
  });

  it('refuses overlong forms, surrogates, code points above U+10FFFF and truncated sequences', () => {
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xe2, 0x82]]) {
      expect(isValidUtf8(new Uint8Array(bad), 0, bad.length)).withContext(JSON.stringify(bad)).toBeFalse();
    }
    // Only the range given is checked.
    const bytes = new Uint8Array([0x61, 0xe2, 0x82, 0xac, 0xff]);
    expect(isValidUtf8(bytes, 0, 4)).toBeTrue();
    expect(isValidUtf8(bytes, 0, 3)).toBeFalse();
  });
});
