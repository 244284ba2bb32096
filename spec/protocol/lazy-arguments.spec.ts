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

  it('a defineProperty or a delete detaches the span, as a set does', () => {
    const list = lazyList(span([1, 2]));
    Object.defineProperty(list, 0, { value: 9, writable: true, enumerable: true, configurable: true });
    expect(encodedSpanOf(list)).toBeUndefined();
    expect(plainValueOf(list)).toEqual([9, 2]);
    const dict = lazyDict(span({ a: 1, b: 2 }));
    expect(delete dict['a']).toBeTrue();
    expect(encodedSpanOf(dict)).toBeUndefined();
    expect(plainValueOf(dict)).toEqual({ b: 2 });
  });

  it("a decoded '__proto__' key can be overwritten and deleted like any other key", () => {
    const dict = lazyDict({ ...span({}), empty: false, decode: () => JSON.parse('{"__proto__":1}') as unknown });
    dict['__proto__'] = 2;
    expect(Object.getOwnPropertyDescriptor(dict, '__proto__')).toEqual({ value: 2, writable: true, enumerable: true, configurable: true });
    expect(delete dict['__proto__']).toBeTrue();
    expect(Object.keys(dict)).toEqual([]);
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
  });

  it('undefined and other primitives have no span and are their own plain value', () => {
    for (const value of [undefined, null, 0, 'x', true]) {
      expect(encodedSpanOf(value)).withContext(String(value)).toBeUndefined();
      expect(plainValueOf(value)).withContext(String(value)).toBe(value);
    }
  });

  it('takeEncodedTail leaves lazy values before the last two places, and in place 0, as they are', () => {
    const earlySpan = span({ d: 1 }, 'json', '{"d":1}');
    const early2Span = span([2], 'json', '[2]');
    const args = lazyList(span([1], 'json', '[1]'));
    const array = [68, lazyDict(earlySpan), lazyList(early2Span), {}, 'x', args];
    expect(takeEncodedTail(array, 'json')).toEqual(['[1]']);
    expect(array.length).toBe(5);
    expect(array[4]).toBe('x');
    expect(encodedSpanOf(array[1])).toBe(earlySpan);
    expect(encodedSpanOf(array[2])).toBe(early2Span);
    expect(earlySpan.decodes + early2Span.decodes).toBe(0);

    // Place 0 holds the message type, never Arguments: a lazy value there is not taken.
    const firstSpan = span([3], 'json', '[3]');
    const odd: unknown[] = [lazyList(firstSpan)];
    expect(takeEncodedTail(odd, 'json')).toBeUndefined();
    expect(odd.length).toBe(1);
    expect(encodedSpanOf(odd[0])).toBe(firstSpan);
    expect(firstSpan.decodes).toBe(0);
  });
});
