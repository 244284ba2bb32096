import { z } from 'zod';
// The sources by path, not the package name: the mutation runner resolves 'rxwamp' through the
// checkout's tsconfig (its working directory at start), which would test the unmutated sources.
import { ContractErrors, defineProcedure, defineTopic, WampError } from '../../src/index.js';
import type { CheckOutcome, StandardSchemaV1 } from '../../src/index.js';

/** A schema that reports fixed issues, with the path segment forms Standard Schema allows. */
const refusing = (path: ReadonlyArray<PropertyKey | { key: PropertyKey }>): StandardSchemaV1 => ({
  '~standard': { version: 1, vendor: 'spec', validate: () => ({ issues: [{ message: 'no', path }] }) },
});

const errorOf = (outcome: CheckOutcome | PromiseLike<CheckOutcome>): WampError => {
  expect('then' in outcome).withContext('a synchronous schema gives a synchronous outcome').toBeFalse();
  const failed = outcome as CheckOutcome;
  if (!('error' in failed)) throw new Error('expected the check to fail');
  return failed.error;
};

describe('defineProcedure and defineTopic checks', () => {
  it('a contract without schemas has no checks, so the session adds nothing', () => {
    expect(defineProcedure('a.b').checks).toEqual({});
    expect(defineTopic('a.b').checks).toEqual({});
    expect(Object.keys(defineProcedure('a.b', { result: z.number() }).checks).sort()).toEqual(['progress', 'result']);
    expect(Object.keys(defineTopic('a.b', { kwargs: z.object({}) }).checks).sort()).toEqual(['event', 'publish']);
    expect(Object.isFrozen(defineProcedure('a.b'))).toBeTrue();
  });

  it('reports the issues of args and kwargs together, their paths rooted at the part, symbols and {key} segments made serializable', () => {
    const p = defineProcedure('com.example.p', { args: refusing([0, { key: 'x' }]) as StandardSchemaV1<unknown[]>, kwargs: refusing([Symbol('s')]) as StandardSchemaV1<object> });
    const error = errorOf(p.checks.call!([1], {}));
    expect(error.uri).toBe(ContractErrors.invalidArgument);
    expect(error.kwargs['issues']).toEqual([
      { message: 'no', path: ['args', 0, 'x'] },
      { message: 'no', path: ['kwargs', 'Symbol(s)'] },
    ]);
    expect(error.args).toEqual(['com.example.p: invalid call arguments: args.0.x: no; kwargs.Symbol(s): no']);
    expect(JSON.parse(JSON.stringify(error.kwargs))).toEqual(error.kwargs);
  });

  it('gives back the schemas’ output; a result check keeps an empty RESULT empty', () => {
    const p = defineProcedure('com.example.p', { args: z.tuple([z.coerce.number()]), result: z.undefined(), progress: z.string().transform((s) => s.length) });
    expect(p.checks.call!(['42'], { extra: true })).toEqual({ args: [42], kwargs: { extra: true } });
    expect(p.checks.result!([], {})).toEqual({ args: [], kwargs: {} });
    expect(p.checks.progress!(['four'], { k: 1 })).toEqual({ args: [4], kwargs: { k: 1 } });
  });

  it('progress falls back to the result schema; result errors name what failed', () => {
    const p = defineProcedure('com.example.p', { result: z.number() });
    const error = errorOf(p.checks.progress!(['x'], {}));
    expect(error.uri).toBe(ContractErrors.invalidResult);
    expect(error.message).toContain('com.example.p: invalid progressive result: args.0:');
  });

  it('a topic refuses a publication as invalid_argument and an event as invalid_event', () => {
    const t = defineTopic('com.example.t', { args: z.tuple([z.string()]) });
    expect(errorOf(t.checks.publish!([1], {})).uri).toBe('wamp.error.invalid_argument');
    expect(errorOf(t.checks.event!([1], {})).uri).toBe('rxwamp.error.invalid_event');
  });

  it('an asynchronous schema gives a Promise of the outcome', async () => {
    const p = defineProcedure('com.example.p', { args: z.tuple([z.number().refine(async (n) => n > 0, 'positive')]) });
    const pending = p.checks.call!([-1], {});
    expect('then' in pending).toBeTrue();
    const outcome = await pending;
    expect('error' in outcome && outcome.error.kwargs['issues']).toEqual([{ message: 'positive', path: ['args', 0] }]);
  });
});
