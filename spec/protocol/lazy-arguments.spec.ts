import { encodedSpanOf, lazyDict, lazyList, plainValueOf, takeEncodedTail } from '../../src/protocol/lazy-arguments.js';
import type { EncodedSpan } from '../../src/protocol/lazy-arguments.js';
import { createMessage } from '../../src/protocol/message.js';

/** A span that counts its decodes. */
function span(value: unknown, format = 'test', encoded: string | Uint8Array = JSON.stringify(value)): EncodedSpan & { decodes: number } {
  const s = {
    format,
    encoded,
    empty: Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0,
    depth: 1,
    decodes: 0,
    decode: () => {
      s.decodes++;
      return structuredClone(value);
    },
  };
  return s;
}

describe('lazy Arguments and ArgumentsKw', () => {
  it('are a list and a dictionary that decode once, on the first read', () => {
    const listSpan = span([1, 'two', { three: 3 }]);
    // JSON.parse makes '__proto__' an own key: the lazy dictionary keeps it one, prototype untouched.
    const dictSpan = { ...span({}), decodes: 0, empty: false, decode: () => (dictSpan.decodes++, JSON.parse('{"a":1,"__proto__":2}') as unknown) };
    const list = lazyList(listSpan);
    const dict = lazyDict(dictSpan);
    expect(Array.isArray(list)).toBeTrue();
    expect(listSpan.decodes).toBe(0);
    expect(list.length).toBe(3);
    expect(list[1]).toBe('two');
    expect([...list]).toEqual([1, 'two', { three: 3 }]);
    expect(JSON.stringify(list)).toBe('[1,"two",{"three":3}]');
    expect(listSpan.decodes).toBe(1);
    expect(Object.keys(dict)).toEqual(['a', '__proto__']);
    expect(dict['a']).toBe(1);
    expect(Object.getOwnPropertyDescriptor(dict, '__proto__')?.value).toBe(2);
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
    expect(dictSpan.decodes).toBe(1);
  });

  it('answer for their encoding until written to, and only lazy values have one', () => {
    const s = span([1]);
    const list = lazyList(s);
    expect(encodedSpanOf(list)).toBe(s);
    expect(list[0]).toBe(1);
    expect(encodedSpanOf(list)).toBe(s);
    list.push(2);
    expect(encodedSpanOf(list)).toBeUndefined();
    expect(plainValueOf(list)).toEqual([1, 2]);
    expect(encodedSpanOf([1])).toBeUndefined();
    expect(encodedSpanOf({})).toBeUndefined();
    expect(encodedSpanOf(null)).toBeUndefined();
    expect(encodedSpanOf('x')).toBeUndefined();
  });

  it('takeEncodedTail hands back the trailing spans of the format and replaces other lazy values by plain ones', () => {
    const args = lazyList(span([1], 'json', '[1]'));
    const kwargs = lazyDict(span({ k: 1 }, 'json', '{"k":1}'));
    const both = [68, 1, 2, {}, args, kwargs];
    expect(takeEncodedTail(both, 'json')).toEqual(['[1]', '{"k":1}']);
    expect(both).toEqual([68, 1, 2, {}]);

    const other = [68, 1, 2, {}, args, kwargs];
    expect(takeEncodedTail(other, 'cbor')).toBeUndefined();
    expect(encodedSpanOf(other[4])).toBeUndefined();
    expect(other[4]).toEqual([1]);
    expect(other[5]).toEqual({ k: 1 });

    // A plain value after a lazy one: the lazy one cannot be appended, it is encoded.
    const mixed = [68, 1, 2, {}, lazyList(span([1], 'json', '[1]')), { plain: true }];
    expect(takeEncodedTail(mixed, 'json')).toBeUndefined();
    expect(encodedSpanOf(mixed[4])).toBeUndefined();
    expect(takeEncodedTail([68, 1, 2, {}], 'json')).toBeUndefined();
  });

  it('say whether they are empty without decoding, so that a message leaves empty ones off', () => {
    const emptyKwargs = span({});
    const args = span([]);
    const message = createMessage('INVOCATION', { Request: 1, Registration: 2, Details: {}, Arguments: lazyList(args), ArgumentsKw: lazyDict(emptyKwargs) });
    expect(message.toArray()).toEqual([68, 1, 2, {}]);
    expect(args.decodes + emptyKwargs.decodes).toBe(0);
    const full = span({ k: 1 });
    const withKwargs = createMessage('INVOCATION', { Request: 1, Registration: 2, Details: {}, Arguments: lazyList(span([])), ArgumentsKw: lazyDict(full) });
    expect(withKwargs.toArray().length).toBe(6);
    expect(full.decodes).toBe(0);
  });
});
