// Compile-time checks of contracts: `npm run typecheck` compiles this file, and each
// `@ts-expect-error` line must be an error (else tsc reports the directive as unused).
// The right uses compile with no casts; the spec below runs them against a TestRealm.
import { lastValueFrom, of, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import * as v from 'valibot';
import { z } from 'zod';
import { defineProcedure, defineTopic, WampClient } from 'rxwamp';
import type { StandardSchemaV1, WampSession } from 'rxwamp';
import { TestRealm } from 'rxwamp/testing';

const add = defineProcedure('com.example.add', { args: z.tuple([z.number(), z.number()]), result: z.number() });
const typedAdd = defineProcedure<{ args: [number, number]; result: number }>('com.example.add');
const countdown = defineProcedure('com.example.countdown', { args: v.tuple([v.number()]), progress: v.number(), result: v.string() });
const ticker = defineTopic('com.example.ticker', { args: z.tuple([z.string(), z.number()]), kwargs: z.object({ currency: z.string() }) });
const typedTicker = defineTopic<{ args: [string, number]; kwargs: { currency: string } }>('com.example.ticker');

/** A hand-written Standard Schema: a positive integer. */
const positiveInt: StandardSchemaV1<number> = {
  '~standard': {
    version: 1,
    vendor: 'hand-written',
    validate: (value) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? { value } : { issues: [{ message: 'expected a positive integer' }] }),
  },
};
const square = defineProcedure('com.example.square', { result: positiveInt });

/** Never run: the type errors a contract catches, and the uses it lets through. */
function compileTimeChecks(client: WampClient, session: WampSession): void {
  // Calls: arguments typed by the contract.
  client.call(add, [2, 3]);
  client.call(typedAdd, [2, 3]);
  // @ts-expect-error a string where a number goes
  client.call(add, ['2', 3]);
  // @ts-expect-error a string where a number goes (types-only contract)
  client.call(typedAdd, ['2', 3]);
  // @ts-expect-error too many arguments
  client.call(add, [1, 2, 3]);
  // @ts-expect-error the session checks the same
  session.call(add, ['2', 3]);
  // @ts-expect-error the contract's args are required
  client.call(add);
  // A procedure that declares no args takes none, or any.
  client.call(defineProcedure('com.example.now', { result: z.number() }));
  client.call(defineProcedure<{ result: string }>('com.example.version'), [], {}, { timeout: 1000 });
  // An Observable of args: one progressive CALL per value, each typed.
  client.call(add, of<[number, number][]>([1, 2], [3, 4]));

  // Results: typed by `result` and `progress`.
  const sums: Observable<{ readonly args: [number] }> = client.call(add, [2, 3]);
  void sums;
  client.call(countdown, [3], {}, { receive_progress: true }).subscribe((r) => {
    if (r.progress) {
      const remaining: number = r.args[0];
      void remaining;
      // @ts-expect-error a progressive result is a number, not a string
      const wrong: string = r.args[0];
      void wrong;
    } else {
      const done: string = r.args[0];
      void done;
    }
  });

  // Handlers: parameters inferred, return type checked.
  client.register(add, ([a, b]) => a + b);
  client.register(typedAdd, ([a, b]) => Promise.resolve(a * b));
  client.register(countdown, ([from]) => of(from, from - 1, 'done'));
  session.register(add, ([a, b]) => a - b);
  // @ts-expect-error returning a string where the result is a number
  client.register(add, ([a, b]) => `${a + b}`);
  // @ts-expect-error a Promise of the wrong type
  client.register(typedAdd, () => Promise.resolve('five'));
  // @ts-expect-error the handler's arguments are numbers
  client.register(add, ([a]: [string, number]) => a.length);

  // Publications: arguments typed by the topic.
  client.publish(ticker, ['ACME', 1.5], { currency: 'EUR' });
  client.publish(typedTicker, ['ACME', 1.5], { currency: 'EUR' });
  // @ts-expect-error a number where the symbol goes
  client.publish(ticker, [1, 2]);
  // @ts-expect-error kwargs missing a field
  client.publish(ticker, ['ACME', 1.5], {});
  // @ts-expect-error the topic's kwargs are required (currency)
  client.publish(ticker, ['ACME', 1.5]);
  // @ts-expect-error the types-only topic checks the same
  client.publish(typedTicker, [1, 2]);
  // @ts-expect-error the session checks the same
  session.publish(ticker, [1, 2]);

  // Events: typed by the topic.
  client.subscribe(ticker).subscribe((event) => {
    const [symbol, price] = event.args;
    const line: string = `${symbol.toUpperCase()} ${price.toFixed(2)} ${event.kwargs.currency}`;
    void line;
    // @ts-expect-error the topic's kwargs have no such field
    void event.kwargs.volume;
    // @ts-expect-error the topic's args have two elements
    void event.args[2];
  });
  session.subscribe(typedTicker).subscribe((event) => {
    // @ts-expect-error the price is a number
    event.args[1].toUpperCase();
  });

  // Plain URIs keep working, untyped.
  client.call('com.example.add', ['anything']);
  client.register('com.example.add', (args) => args.length);
  client.publish('com.example.ticker', [1, 2]);
  client.subscribe('com.example.ticker').subscribe((event) => void event.args[5]);
  void square;
}

describe('contracts at compile time', () => {
  let realm: TestRealm;
  beforeEach(() => (realm = new TestRealm()));
  afterEach(() => realm.close());

  it('the uses that compile also run: call, register, publish, subscribe with contracts', async () => {
    expect(compileTimeChecks.length).toBe(2);
    const client = realm.client();
    client.register(add, ([a, b]) => a + b).subscribe();
    client.register(countdown, ([from]) => of(from, from - 1, 'done')).subscribe();
    const results = await lastValueFrom(client.call(countdown, [2], {}, { receive_progress: true }).pipe(toArray()));
    expect(results.map((r) => [r.progress, r.args[0]])).toEqual([
      [true, 2],
      [true, 1],
      [false, 'done'],
    ]);
    const [sum] = (await lastValueFrom(client.call(add, [2, 3]))).args;
    expect(sum).toBe(5);
  });
});
