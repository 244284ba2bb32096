import { EMPTY, firstValueFrom, lastValueFrom, map, of, reduce, startWith, take, tap, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import * as v from 'valibot';
import { z } from 'zod';
// The sources by path, not the package name: the mutation runner resolves 'rxwamp' through the
// checkout's tsconfig (its working directory at start), which would test the unmutated sources.
import { ContractErrors, defineProcedure, defineTopic, JsonSerializer, WampClient, WampError } from '../../src/index.js';
import type { ProcedureContract, ProcedureTypesOfShape, StandardSchemaV1, TopicContract, TopicTypesOfShape, Transport } from '../../src/index.js';
import { TestRealm } from '../../src/testing/index.js';

/** Message names a client sent: to prove a refused call or publication never left. */
function recordingClient(realm: TestRealm, sent: string[]): WampClient {
  const open = realm.transport();
  const serializer = new JsonSerializer();
  return new WampClient({
    realm: realm.name,
    reconnect: false,
    transport: () =>
      open().pipe(
        map((t): Transport => ({
          protocol: t.protocol,
          peer: t.peer,
          maxOutgoingMessageSize: t.maxOutgoingMessageSize,
          bufferedAmount: t.bufferedAmount,
          incoming$: t.incoming$,
          outgoing: {
            next: (frame) => {
              sent.push(serializer.decode(frame).name);
              t.outgoing.next(frame);
            },
            error: (err: unknown) => t.outgoing.error(err),
            complete: () => t.outgoing.complete(),
          },
        })),
      ),
  });
}

/** The WampError an Observable fails with. */
async function failure(source: Observable<unknown>): Promise<WampError> {
  try {
    await lastValueFrom(source);
  } catch (err) {
    if (err instanceof WampError) return err;
    throw err;
  }
  throw new Error('expected the Observable to fail');
}

/** A hand-written Standard Schema (sync or async): a string of at most `max` characters, given back trimmed. */
function shortText(max: number, mode: 'sync' | 'async' = 'sync'): StandardSchemaV1<string> {
  const check = (value: unknown) =>
    typeof value === 'string' && value.trim().length <= max ? { value: value.trim() } : { issues: [{ message: `expected a text of at most ${max} characters` }] };
  return { '~standard': { version: 1, vendor: 'hand-written', validate: mode === 'sync' ? check : (value) => Promise.resolve().then(() => check(value)) } };
}

/** The contracts of the specs below: each library's schemas must give exactly these types. */
interface Bank {
  readonly transfer: ProcedureContract<ProcedureTypesOfShape<{ args: [string, number]; kwargs: { memo?: string | undefined }; result: string; progress: number }>>;
  readonly rates: TopicContract<TopicTypesOfShape<{ args: [string, number]; kwargs: { source: string } }>>;
}

/** The same procedure declared with each validator library; `async` adds an asynchronous check. */
const libraries: Record<string, (async: boolean) => Bank> = {
  zod: (async: boolean) => {
    const amount = async ? z.number().refine(async (n) => n >= 0, 'must not be negative') : z.number().min(0, 'must not be negative');
    return {
      transfer: defineProcedure('com.bank.transfer', { args: z.tuple([z.string(), amount]), kwargs: z.object({ memo: z.string().optional() }), result: z.string(), progress: z.number() }),
      rates: defineTopic('com.bank.rates', { args: z.tuple([z.string(), amount]), kwargs: z.object({ source: z.string() }) }),
    };
  },
  valibot: (async: boolean) => {
    const amount = async ? v.pipeAsync(v.number(), v.checkAsync(async (n) => n >= 0, 'must not be negative')) : v.pipe(v.number(), v.minValue(0, 'must not be negative'));
    return {
      transfer: defineProcedure('com.bank.transfer', {
        args: async ? v.tupleAsync([v.string(), amount]) : v.tuple([v.string(), v.pipe(v.number(), v.minValue(0, 'must not be negative'))]),
        kwargs: v.object({ memo: v.optional(v.string()) }),
        result: v.string(),
        progress: v.number(),
      }),
      rates: defineTopic('com.bank.rates', {
        args: async ? v.tupleAsync([v.string(), amount]) : v.tuple([v.string(), v.pipe(v.number(), v.minValue(0, 'must not be negative'))]),
        kwargs: v.object({ source: v.string() }),
      }),
    };
  },
};

describe('contracts at run time', () => {
  let realm: TestRealm;
  beforeEach(() => (realm = new TestRealm()));
  afterEach(() => realm.close());

  for (const [library, make] of Object.entries(libraries)) {
    for (const async of [false, true]) {
      describe(`with ${library} schemas${async ? ' (asynchronous checks)' : ''}`, () => {
        const { transfer, rates } = make(async);

        it('a valid call reaches the handler and its result the caller', async () => {
          const callee = realm.client();
          const seen: unknown[] = [];
          callee.register(transfer, ([to, amount], { memo }) => {
            seen.push([to, amount, memo]);
            return of(1, 2, `sent ${amount} to ${to}`);
          }).subscribe();
          const results = await lastValueFrom(realm.client().call(transfer, ['bob', 5], { memo: 'rent' }, { receive_progress: true }).pipe(toArray()));
          expect(seen).toEqual([['bob', 5, 'rent']]);
          expect(results.map((r) => [r.progress, r.args[0]])).toEqual([
            [true, 1],
            [true, 2],
            [false, 'sent 5 to bob'],
          ]);
        });

        it('the caller refuses bad arguments with wamp.error.invalid_argument and the issues, and sends nothing', async () => {
          const sent: string[] = [];
          const caller = recordingClient(realm, sent);
          let invoked = 0;
          realm.client().register(transfer, () => (invoked++, 'ok')).subscribe();
          const error = await failure(caller.call(transfer, ['bob', -5]));
          expect(error.uri).toBe('wamp.error.invalid_argument');
          expect(error.kwargs['issues']).toEqual([{ message: 'must not be negative', path: ['args', 1] }]);
          expect(error.message).toContain('com.bank.transfer: invalid call arguments: args.1: must not be negative');
          expect(invoked).toBe(0);
          expect(sent).not.toContain('CALL');
          // The same client still calls when the arguments are right.
          expect((await lastValueFrom(caller.call(transfer, ['bob', 5]))).args).toEqual(['ok']);
          expect(sent).toContain('CALL');
        });

        it('bad kwargs are refused the same way', async () => {
          const error = await failure(realm.client().call(transfer, ['bob', 5], { memo: 42 } as unknown as { memo: string }));
          expect(error.uri).toBe('wamp.error.invalid_argument');
          expect((error.kwargs['issues'] as Array<{ path: unknown[] }>).map((i) => i.path)).toEqual([['kwargs', 'memo']]);
        });

        it('the callee answers an unchecked caller ERROR wamp.error.invalid_argument with the issues; the handler never runs', async () => {
          let invoked = 0;
          realm.client().register(transfer, () => (invoked++, 'ok')).subscribe();
          const error = await failure(realm.client().call('com.bank.transfer', ['bob', 'five']));
          expect(error.uri).toBe('wamp.error.invalid_argument');
          const issues = error.kwargs['issues'] as Array<{ message: string; path: unknown[] }>;
          expect(issues.length).toBe(1);
          expect(issues[0]!.path).toEqual(['args', 1]);
          expect(typeof issues[0]!.message).toBe('string');
          expect(String(error.args[0])).toContain('com.bank.transfer: invalid call arguments: args.1: ');
          expect(invoked).toBe(0);
        });

        it('a bad final result fails the call on the caller with rxwamp.error.invalid_result', async () => {
          realm.client().register('com.bank.transfer', () => 42).subscribe();
          const error = await failure(realm.client().call(transfer, ['bob', 5]));
          expect(error.uri).toBe(ContractErrors.invalidResult);
          expect((error.kwargs['issues'] as Array<{ path: unknown[] }>)[0]!.path).toEqual(['args', 0]);
        });

        it('a bad progressive result fails the call before anything after it arrives', async () => {
          realm.client().register('com.bank.transfer', () => of(1, 'two', 'done')).subscribe();
          const seen: unknown[] = [];
          const error = await failure(realm.client().call(transfer, ['bob', 5], {}, { receive_progress: true }).pipe(map((r) => seen.push(r.args[0]))));
          expect(error.uri).toBe(ContractErrors.invalidResult);
          expect(error.message).toContain('invalid progressive result');
          expect(seen).toEqual([1]);
        });

        it('the publisher refuses a bad publication and sends nothing', async () => {
          const sent: string[] = [];
          const publisher = recordingClient(realm, sent);
          const error = await failure(publisher.publish(rates, ['EUR', -1], { source: 'ecb' }));
          expect(error.uri).toBe('wamp.error.invalid_argument');
          expect(error.kwargs['issues']).toEqual([{ message: 'must not be negative', path: ['args', 1] }]);
          expect(sent).not.toContain('PUBLISH');
        });

        it('events pass to the subscriber checked; a bad one errors the stream with rxwamp.error.invalid_event', async () => {
          const subscriber = realm.client();
          const publisher = realm.client();
          const received: unknown[] = [];
          const ended = new Promise<unknown>((resolve) =>
            subscriber.subscribe(rates).subscribe({ next: (e) => received.push([...e.args, e.kwargs.source]), error: resolve, complete: () => resolve('completed') }),
          );
          await lastValueFrom(publisher.publish(rates, ['EUR', 1.1], { source: 'ecb' }, { acknowledge: true }));
          await lastValueFrom(publisher.publish('com.bank.rates', ['USD'], { source: 'fed' }, { acknowledge: true }));
          const error = await ended;
          expect(received).toEqual([['EUR', 1.1, 'ecb']]);
          expect(error).toBeInstanceOf(WampError);
          expect((error as WampError).uri).toBe(ContractErrors.invalidEvent);
        });
      });
    }
  }

  describe('with a hand-written schema', () => {
    for (const mode of ['sync', 'async'] as const) {
      it(`${mode}: the handler gets the schema's output, the caller the result's output`, async () => {
        const echo = defineProcedure('com.example.echo', { args: { '~standard': { version: 1, vendor: 'hand-written', validate: (value) => (Array.isArray(value) ? { value: value.map(String) } : { issues: [{ message: 'expected an array' }] }) } } satisfies StandardSchemaV1<unknown[], string[]>, result: shortText(5, mode) });
        realm.client().register(echo, (args) => `  ${args.join('')}  `).subscribe();
        const caller = realm.client();
        expect((await lastValueFrom(caller.call(echo, [1, 2]))).args).toEqual(['12']);
        const error = await failure(caller.call(echo, [1, 2, 3, 4, 5, 6]));
        expect(error.uri).toBe(ContractErrors.invalidResult);
        expect(error.kwargs['issues']).toEqual([{ message: 'expected a text of at most 5 characters', path: ['args', 0] }]);
      });
    }

    it('progressive call invocations: each chunk is checked on the caller before it goes out, and on the callee as the handler reads it', async () => {
      const sum = defineProcedure('com.example.sum', { args: v.tuple([v.number()]), result: v.number() });
      const received: unknown[] = [];
      realm.client().register(sum, ([first], _kwargs, details) =>
        (details.chunks$ ?? EMPTY).pipe(
          map((chunk) => chunk.args[0] as number),
          startWith(first),
          tap((n) => received.push(n)),
          reduce((total, n) => total + n, 0),
        ),
      ).subscribe();
      const caller = realm.client();
      expect((await lastValueFrom(caller.call(sum, of<[number][]>([1], [2], [3])))).args).toEqual([6]);
      expect(received).toEqual([1, 2, 3]);

      received.length = 0;
      const sent: string[] = [];
      const recording = recordingClient(realm, sent);
      const local = await failure(recording.call(sum, of<[number][]>([1], ['two'] as unknown as [number], [3])));
      expect(local.uri).toBe('wamp.error.invalid_argument');
      // The caller holds each chunk back until the next one shows whether it is the last: none went out.
      expect(sent).not.toContain('CALL');

      received.length = 0;
      const remote = await failure(caller.call('com.example.sum', of([1], ['two'])));
      expect(remote.uri).toBe('wamp.error.invalid_argument');
      expect(remote.kwargs['issues']).toEqual([jasmine.objectContaining({ path: ['args', 0] })]);
      expect(received).toEqual([1]);
    });

    it('a call that gives no arguments is checked as an empty args list and empty kwargs', async () => {
      const seen: unknown[] = [];
      const none: StandardSchemaV1<unknown[]> = {
        '~standard': { version: 1, vendor: 'hand-written', validate: (value) => (seen.push(value), Array.isArray(value) && value.length === 0 ? { value } : { issues: [{ message: 'expected no arguments' }] }) },
      };
      const ping = defineProcedure('com.example.ping', { args: none, kwargs: z.object({}).strict() });
      realm.client().register('com.example.ping', () => 'pong').subscribe();
      expect((await lastValueFrom(realm.client().call(ping))).args).toEqual(['pong']);
      expect(seen).toEqual([[]]);
    });

    it('a contract with only a progress schema checks each progressive result and lets the final one through as it is', async () => {
      const count = defineProcedure('com.example.count', { progress: z.number() });
      expect(Object.keys(count.checks)).toEqual(['progress']);
      realm.client().register('com.example.count', (args) => of(1, args[0] === 'bad' ? 'two' : 2, 'done')).subscribe();
      const caller = realm.client();
      const results = await lastValueFrom(caller.call(count, ['good'], {}, { receive_progress: true }).pipe(toArray()));
      expect(results.map((r) => [r.progress, r.args])).toEqual([
        [true, [1]],
        [true, [2]],
        [false, ['done']],
      ]);
      const error = await failure(caller.call(count, ['bad'], {}, { receive_progress: true }));
      expect([error.uri, error.kwargs['issues']]).toEqual([ContractErrors.invalidResult, [jasmine.objectContaining({ path: ['args', 0] })]]);
      expect(error.message).toContain('com.example.count: invalid progressive result: args.0: ');
    });

    it('a contract built by hand with only a final-result check applies it to the final RESULT and to no progressive one', async () => {
      // ProcedureChecks leaves every check optional: defineProcedure never makes this one (progress falls back to result), a hand-built contract may.
      const checked: ProcedureContract = {
        kind: 'procedure',
        uri: 'com.example.final',
        checks: { result: (args, kwargs) => ({ args: args.map((a) => `checked ${String(a)}`), kwargs: { ...kwargs, checked: true } }) },
      };
      realm.client().register('com.example.final', () => of(1, 2, 3)).subscribe();
      const results = await lastValueFrom(realm.client().call(checked, [], {}, { receive_progress: true }).pipe(toArray()));
      expect(results.map((r) => [r.progress, r.args, r.kwargs])).toEqual([
        [true, [1], {}],
        [true, [2], {}],
        [false, ['checked 3'], { checked: true }],
      ]);
    });

    it('async: a handler that returns nothing answers an empty RESULT, one that returns null answers [null]', async () => {
      const log = defineProcedure('com.example.log', { args: z.tuple([z.string().refine(async (s) => s.length > 0, 'must not be empty')]) });
      realm.client().register(log, ([line]) => (line === 'null' ? null : undefined)).subscribe();
      const caller = realm.client();
      expect((await lastValueFrom(caller.call(log, ['x']))).args).toEqual([]);
      expect((await lastValueFrom(caller.call(log, ['null']))).args).toEqual([null]);
    });

    it('a types-only contract checks nothing at run time and adds nothing to the wire', async () => {
      const loose = defineProcedure<{ args: [number]; result: number }>('com.example.double');
      expect(loose.checks).toEqual({});
      realm.client().register('com.example.double', (args) => `${String(args[0])}${String(args[0])}`).subscribe();
      const result = await firstValueFrom(realm.client().call(loose, [4]));
      expect(result.args[0] as unknown).toBe('44');
    });

    it('a WampSession takes contracts too', async () => {
      const session = await firstValueFrom(realm.client().session$);
      const add = defineProcedure('com.example.add', { args: shortTuple(), result: v.number() });
      session.register(add, ([a, b]) => a + b).subscribe();
      expect((await lastValueFrom(session.call(add, [2, 3]))).args).toEqual([5]);
      expect((await failure(session.call(add, [2, 'x'] as unknown as [number, number]))).uri).toBe('wamp.error.invalid_argument');
      const feed = defineTopic('com.example.feed', { args: v.tuple([v.string()]) });
      const events = firstValueFrom(session.subscribe(feed).pipe(take(1)));
      await lastValueFrom(session.publish(feed, ['hello'], {}, { exclude_me: false, acknowledge: true }));
      expect((await events).args).toEqual(['hello']);
    });
  });
});

function shortTuple() {
  return v.tuple([v.number(), v.number()]);
}
