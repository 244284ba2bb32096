import fc from 'fast-check';
import { expectProperty } from '../support/property-check.js';
import { constantTimeEqualBytes, constantTimeEqualStrings } from '../../src/auth/constant-time.js';

describe('constant-time compare', () => {
  it('says equal for equal strings, including empty and non-ASCII ones', () => {
    expect(constantTimeEqualStrings('', '')).toBeTrue();
    expect(constantTimeEqualStrings('secret-ticket', 'secret-ticket')).toBeTrue();
    expect(constantTimeEqualStrings('pässwörd', 'pässwörd')).toBeTrue();
  });

  it('says different for a differing byte anywhere, a prefix, or an extension', () => {
    expect(constantTimeEqualStrings('secret', 'secreT')).toBeFalse();
    expect(constantTimeEqualStrings('secret', 'Secret')).toBeFalse();
    expect(constantTimeEqualStrings('secret', 'secre')).toBeFalse();
    expect(constantTimeEqualStrings('secret', 'secret!')).toBeFalse();
    expect(constantTimeEqualStrings('secret', '')).toBeFalse();
    expect(constantTimeEqualStrings('', 'secret')).toBeFalse();
    expect(constantTimeEqualStrings('ä', 'a')).toBeFalse();
  });

  it('does not mistake a repeated prefix for the whole (length wrap-around)', () => {
    expect(constantTimeEqualStrings('abab', 'ab')).toBeFalse();
    expect(constantTimeEqualBytes(new Uint8Array([1, 1, 1, 1]), new Uint8Array([1]))).toBeFalse();
    // lengths that differ by a multiple of 256 must not cancel out in the xor
    expect(constantTimeEqualBytes(new Uint8Array(256), new Uint8Array(0))).toBeFalse();
    expect(constantTimeEqualBytes(new Uint8Array(257), new Uint8Array(1))).toBeFalse();
  });

  it('agrees with ordinary equality on arbitrary input', () => {
    expectProperty(
      fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqualStrings(a, b) === (a === b)),
    );
    expectProperty(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) =>
        constantTimeEqualBytes(a, b) === (a.length === b.length && a.every((x, i) => x === b[i])),
      ),
    );
  });
});
