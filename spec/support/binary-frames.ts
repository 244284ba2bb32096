import fc from 'fast-check';

/** A value of what binary payloads hold: strings (some long, some non-ASCII), numbers, bytes, nesting. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { maxDepth: 4 },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('caf\u00e9', '\ud83d\ude00', 'x'.repeat(70), 'é'.repeat(40)),
    fc.double({ noNaN: true }),
    fc.integer(),
    fc.constantFrom(2 ** 40, -(2 ** 40), 255, 65_536),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 6 }),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__'), tie('any'), { maxKeys: 3 }),
  ),
})).any;

/** The head and the Arguments (and ArgumentsKw) of a CALL, YIELD, PUBLISH or ERROR. */
export const binaryFrames = fc
  .tuple(fc.constantFrom(48, 70, 16, 8), fc.array(value, { maxLength: 3 }), fc.option(fc.dictionary(fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__'), value, { maxKeys: 3 }), { nil: undefined }))
  .filter(([, args, kwargs]) => args.length > 0 || (kwargs !== undefined && Object.keys(kwargs).length > 0))
  .map(([code, args, kwargs]) => {
    const head = code === 48 ? [48, 1, {}, 'com.example.p'] : code === 70 ? [70, 1, {}] : code === 16 ? [16, 1, {}, 'com.example.t'] : [8, 68, 1, {}, 'com.example.e'];
    const tail: unknown[] = kwargs === undefined || Object.keys(kwargs).length === 0 ? [args] : [args, kwargs];
    return { head, tail };
  });

/** Frames with one octet replaced or inserted, or cut short. */
export function oneByteChanged(frames: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(frames, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'insert', 'cut')).map(([frame, at, byte, how]) => {
    const i = at % frame.length;
    if (how === 'cut') return frame.slice(0, i);
    if (how === 'replace') {
      const copy = frame.slice();
      copy[i] = byte;
      return copy;
    }
    const out = new Uint8Array(frame.length + 1);
    out.set(frame.subarray(0, i));
    out[i] = byte;
    out.set(frame.subarray(i), i + 1);
    return out;
  });
}

/** Are two byte arrays equal? */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
