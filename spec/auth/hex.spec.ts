import fc from 'fast-check';
import { expectProperty } from '../support/property-check.js';
import { fromHex, toHex } from '../../src/auth/hex.js';

describe('hex', () => {
  it('encodes lowercase and decodes either case', () => {
    expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect(Array.from(fromHex('0001ABff')!)).toEqual([0, 1, 0xab, 0xff]);
    expect(fromHex('')!.length).toBe(0);
  });

  it('refuses odd lengths and non-hex characters', () => {
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(fromHex('0g')).toBeUndefined();
    expect(fromHex(' 0')).toBeUndefined();
  });

  it('round-trips any bytes', () => {
    expectProperty(fc.property(fc.uint8Array(), (bytes) => toHex(fromHex(toHex(bytes))!) === toHex(bytes)));
  });
});
