import fc from 'fast-check';
import { splitJson } from '../../src/serialization/json-spans.js';
import { expectProperty } from '../support/property-check.js';

/** A JSON value with what payloads hold: strings with escapes and controls, numbers in every form, nesting. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { maxDepth: 4 },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('"', '\\', '\u0000AQID', '\n\t', 'caf\u00e9', '\ud83d\ude00'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('any'), { maxKeys: 3 }),
  ),
})).any;

/** JSON text of a value with whitespace between the tokens, as a hand-written frame may have. */
function spaced(v: unknown): string {
  return JSON.stringify(v, null, 1);
}

const frames = fc
  .tuple(fc.constantFrom(48, 70, 16, 8), fc.array(value, { maxLength: 3 }), fc.option(fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 3 }), { nil: undefined }), fc.boolean())
  .map(([code, args, kwargs, pretty]) => {
    const head = code === 48 ? [48, 1, {}, 'com.example.p'] : code === 70 ? [70, 1, {}] : code === 16 ? [16, 1, {}, 'com.example.t'] : [8, 68, 1, {}, 'com.example.e'];
    const tail = kwargs === undefined ? [args] : [args, kwargs];
    const encode = pretty ? spaced : (v: unknown) => JSON.stringify(v);
    return { text: `${encode(head).slice(0, -1)}, ${tail.map(encode).join(' ,\n')} ]`, head, tail };
  });

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('splitJson', () => {
  it('finds the exact text of Arguments and ArgumentsKw in a valid frame, and an envelope that parses to the rest', () => {
    expectProperty(
      fc.property(frames, ({ text, head, tail }) => {
        const split = splitJson(text);
        if (split === undefined) return false;
        const spans = split.kwargs === undefined ? [split.args] : [split.args, split.kwargs];
        expect(JSON.parse(split.envelope)).toEqual(head);
        expect(spans.map((s) => JSON.parse(s.encoded as string))).toEqual(JSON.parse(JSON.stringify(tail)));
        expect(spans.every((s) => text.includes(s.encoded as string))).toBeTrue();
        expect(spans.map((s) => s.empty)).toEqual(tail.map((t) => (Array.isArray(t) ? t.length === 0 : Object.keys(t as object).length === 0)));
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never vouches for text JSON.parse refuses: one character changed anywhere', () => {
    const edits = fc.tuple(frames, fc.nat(), fc.constantFrom('"', '\\', '\u0001', '\u001f', ',', ']', '}', '{', '0', 'e', '.', '-', ' ', 'x', 'u', ''), fc.boolean());
    expectProperty(
      fc.property(edits, ([{ text }, at, char, replace]) => {
        const i = at % text.length;
        const edited = text.slice(0, i) + char + text.slice(replace ? i + 1 : i);
        return splitJson(edited) === undefined || parses(edited);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses raw control characters in strings, bad escapes, bad numbers and extra elements', () => {
    for (const bad of [
      '[48,1,{},"p",["a\u0001b"]]',
      '[48,1,{},"p",["a\\xb"]]',
      '[48,1,{},"p",["\\u12g4"]]',
      '[48,1,{},"p",[01]]',
      '[48,1,{},"p",[1.]]',
      '[48,1,{},"p",[-]]',
      '[48,1,{},"p",[1,]]',
      '[48,1,{},"p",[],{},1]',
      '[48,1,{},"p",[]] x',
      '[48,1,{},"p",["abc]]',
    ]) {
      expect(splitJson(bad)).withContext(bad).toBeUndefined();
    }
  });

  it('leaves frames to the whole decode unless they are CALL, YIELD, PUBLISH or ERROR with a list and a dictionary', () => {
    for (const other of ['[36,1,2,{},["a"]]', '[48,1,{},"p"]', '[48,1,{},"p",null,{"a":1}]', '[48,1,{"ppt_scheme":"x"},"p","payload"]', '[48,1,{},"p",[],[]]']) {
      expect(splitJson(other)).withContext(other).toBeUndefined();
    }
    expect(splitJson('[48,1,{},"p",[1],{"a":1}]')).toBeDefined();
  });

  it('measures nesting as the router counts it, and leaves frames nested past what it scans to the whole decode', () => {
    expect(splitJson('[48,1,{},"p",[]]')!.args.depth).toBe(1);
    expect(splitJson('[48,1,{},"p",[[{"a":[1]}]],{"b":{}}]')!.args.depth).toBe(4);
    expect(splitJson('[48,1,{},"p",[[{"a":[1]}]],{"b":{}}]')!.kwargs!.depth).toBe(2);
    expect(splitJson(`[48,1,{},"p",${'['.repeat(101)}${']'.repeat(101)}]`)).toBeUndefined();
  });

  it('decodes a span once asked, reviving the binary convention', () => {
    const split = splitJson('[48,1,{},"p",["\\u0000AQID",1.0],{"k":"\\u00e9"}]')!;
    expect(split.args.decode()).toEqual([new Uint8Array([1, 2, 3]), 1]);
    expect(split.kwargs!.decode()).toEqual({ k: 'é' });
  });
});
