import { concat, filter, from as rxFrom, map, Subject, VirtualTimeScheduler } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { dealer } from '../../src/router/dealer.js';
import type { DealerState } from '../../src/router/dealer.js';
import { silentLogger } from '../../src/router/logger.js';
import { RegistrationStore } from '../../src/router/registration-store.js';
import type { Routed } from '../../src/router/routed.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';

/** Runs thunks through the dealer, hiding meta notices unless asked for. */
function run(source: Observable<() => Routed>, options: { store?: RegistrationStore; scheduler?: SchedulerLike; meta?: boolean } = {}): Observable<string> {
  return source.pipe(
    map((thunk) => thunk()),
    dealer({ registrations: options.store ?? new RegistrationStore(), logger: silentLogger, scheduler: options.scheduler }),
    map(summarize),
    filter((s) => options.meta === true || !s.startsWith('meta')),
  );
}

const LEGACY_CALLEE = { callee: { features: { progressive_call_results: true } }, caller: {} };

describe('dealer stage', () => {
  let a: StageSession;
  let b: StageSession;
  let c: StageSession;
  beforeEach(() => {
    a = new StageSession('a', 1, 'alice', 'admin');
    b = new StageSession('b', 2, 'bob', 'backend');
    c = new StageSession('c', 3, 'carol', 'backend');
  });
  const register = (s: StageSession, request: number, procedure: string, options: Record<string, unknown> = {}) => () =>
    from(s, 'REGISTER', { Request: request, Options: options, Procedure: procedure });
  const call = (s: StageSession, request: number, procedure: string, options: Record<string, unknown> = {}, args: unknown[] = [2, 3]) => () =>
    from(s, 'CALL', { Request: request, Options: options, Procedure: procedure, Arguments: args });
  const yieldOf = (s: StageSession, invocation: number, options: Record<string, unknown> = {}, args: unknown[] = [5]) => () =>
    from(s, 'YIELD', { 'INVOCATION.Request': invocation, Options: options, Arguments: args });
  const cancel = (s: StageSession, request: number, mode?: string) => () =>
    from(s, 'CANCEL', { 'CALL.Request': request, Options: mode === undefined ? {} : { mode } });
  const left = (s: StageSession) => (): Routed => ({ kind: 'left', session: s, reason: 'transport.closed' });

  it(
    'registers, routes CALL → INVOCATION and YIELD → RESULT',
    marbles((m) => {
      const source = m.cold('a-b-c|', { a: register(b, 1, 'com.add'), b: call(a, 1, 'com.add'), c: yieldOf(b, 1) });
      m.expect(run(source)).toBeObservable('a-b-c|', { a: 'b <- REGISTERED #1', b: 'b <- INVOCATION #1 [2,3]', c: 'a <- RESULT #1 [5]' });
    }),
  );

  it(
    'reports registrations to the meta API',
    marbles((m) => {
      const source = m.cold('a-----b-----|', { a: register(b, 1, 'com.add', { invoke: 'roundrobin' }), b: register(c, 1, 'com.add', { invoke: 'roundrobin' }) });
      m.expect(run(source, { meta: true })).toBeObservable('(abc)-(de)--|', {
        a: 'b <- REGISTERED #1',
        b: 'meta wamp.registration.on_create',
        c: 'meta wamp.registration.on_register',
        d: 'c <- REGISTERED #1',
        e: 'meta wamp.registration.on_register',
      });
    }),
  );

  it(
    'refuses duplicates, mismatched policies, invalid and reserved URIs, unknown procedures and registrations',
    marbles((m) => {
      const source = m.cold('abcdefgh|', {
        a: register(b, 1, 'com.add'),
        b: register(c, 1, 'com.add'),
        c: register(b, 2, 'com.add'),
        d: register(c, 2, 'com.add', { invoke: 'roundrobin' }),
        e: register(c, 3, 'wamp.session.count'),
        f: register(c, 4, 'com..x'),
        g: call(a, 1, 'com.nothing'),
        h: () => from(c, 'UNREGISTER', { Request: 5, Registration: 777 }),
      });
      m.expect(run(source)).toBeObservable('abcdefgh|', {
        a: 'b <- REGISTERED #1',
        b: 'c <- ERROR #1 wamp.error.procedure_already_exists ["\'com.add\' is already registered"]',
        c: 'b <- ERROR #2 wamp.error.procedure_already_exists ["this session has already registered \'com.add\'"]',
        d: 'c <- ERROR #2 wamp.error.procedure_already_exists ["\'com.add\' is registered with invocation policy \'single\', not \'roundrobin\'"]',
        e: 'c <- ERROR #3 wamp.error.invalid_uri ["procedure \'wamp.session.count\' is in the reserved wamp. namespace"]',
        f: 'c <- ERROR #4 wamp.error.invalid_uri ["invalid exact procedure pattern \'com..x\'"]',
        g: 'a <- ERROR #1 wamp.error.no_such_procedure ["no callee registered procedure \'com.nothing\'"]',
        h: 'c <- ERROR #5 wamp.error.no_such_registration ["no registration 777 for this session"]',
      });
    }),
  );

  it(
    'passes CALLs of unregistered wamp.* procedures on to the meta stage',
    marbles((m) => {
      const source = m.cold('a|', { a: call(a, 1, 'wamp.session.count') });
      m.expect(run(source)).toBeObservable('a|', { a: 'a -> CALL' });
    }),
  );

  it(
    'streams progressive results to a caller that asked for them',
    marbles((m) => {
      const source = m.cold('ab-cde|', {
        a: register(b, 1, 'com.count'),
        b: call(a, 1, 'com.count', { receive_progress: true }),
        c: yieldOf(b, 1, { progress: true }, [1]),
        d: yieldOf(b, 1, { progress: true }, [2]),
        e: yieldOf(b, 1, {}, [3]),
      });
      m.expect(run(source)).toBeObservable('ab-cde|', {
        a: 'b <- REGISTERED #1',
        b: 'b <- INVOCATION #1 [2,3] {"receive_progress":true}',
        c: 'a <- RESULT #1 [1] {"progress":true}',
        d: 'a <- RESULT #1 [2] {"progress":true}',
        e: 'a <- RESULT #1 [3]',
      });
    }),
  );

  it(
    "relays a callee's progressive YIELDs to a caller that asked, though the callee announced progressive_call_results as caller only (Wampy.js)",
    marbles((m) => {
      const wampy = new StageSession('w', 4, 'wampy', 'backend', { caller: { features: { progressive_call_results: true } }, callee: { features: {} } });
      const source = m.cold('ab-cde|', {
        a: register(wampy, 1, 'com.count'),
        b: call(a, 1, 'com.count', { receive_progress: true }),
        c: yieldOf(wampy, 1, { progress: true }, [1]),
        d: yieldOf(wampy, 1, { progress: true }, [2]),
        e: yieldOf(wampy, 1, {}, [3]),
      });
      m.expect(run(source)).toBeObservable('ab-cde|', {
        a: 'w <- REGISTERED #1',
        // Not told receive_progress: it did not announce the feature as callee.
        b: 'w <- INVOCATION #1 [2,3]',
        c: 'a <- RESULT #1 [1] {"progress":true}',
        d: 'a <- RESULT #1 [2] {"progress":true}',
        e: 'a <- RESULT #1 [3]',
      });
    }),
  );

  it(
    'drops progressive YIELDs for a caller that did not ask for them',
    marbles((m) => {
      const source = m.cold('abcd|', { a: register(b, 1, 'com.count'), b: call(a, 1, 'com.count'), c: yieldOf(b, 1, { progress: true }, [1]), d: yieldOf(b, 1, {}, [3]) });
      m.expect(run(source)).toBeObservable('ab-d|', { a: 'b <- REGISTERED #1', b: 'b <- INVOCATION #1 [2,3]', d: 'a <- RESULT #1 [3]' });
    }),
  );

  it(
    'forwards a callee ERROR with its URI, Arguments and ArgumentsKw',
    marbles((m) => {
      const source = m.cold('abc|', {
        a: register(b, 1, 'com.div'),
        b: call(a, 1, 'com.div'),
        c: () => from(b, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.div_by_zero', Arguments: ['no'], ArgumentsKw: { d: 0 } }),
      });
      m.expect(run(source)).toBeObservable('abc|', { a: 'b <- REGISTERED #1', b: 'b <- INVOCATION #1 [2,3]', c: 'a <- ERROR #1 com.error.div_by_zero ["no"] {"d":0}' });
    }),
  );

  for (const [mode, expected] of [
    ['skip', { c: 'a <- ERROR #1 wamp.error.canceled ["call canceled (skip)"]', d: '' }],
    ['killnowait', { c: '(xy)', d: '' }],
    ['kill', { c: 'b <- INTERRUPT #1 {"mode":"kill","reason":"wamp.error.canceled"}', d: 'a <- ERROR #1 wamp.error.canceled' }],
  ] as const) {
    it(
      `cancels a call with mode ${mode}`,
      marbles((m) => {
        const source = m.cold('ab-c-----d|', {
          a: register(b, 1, 'com.slow'),
          b: call(a, 1, 'com.slow'),
          c: cancel(a, 1, mode),
          d: () => from(b, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'wamp.error.canceled' }),
        });
        const values: Record<string, string> = { a: 'b <- REGISTERED #1', b: 'b <- INVOCATION #1 [2,3]' };
        let marble = 'ab-';
        if (mode === 'killnowait') {
          values['x'] = 'b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.canceled"}';
          values['y'] = 'a <- ERROR #1 wamp.error.canceled ["call canceled (killnowait)"]';
          marble += '(xy)---|';
        } else if (mode === 'skip') {
          values['c'] = expected.c;
          marble += 'c------|';
        } else {
          values['c'] = expected.c;
          values['d'] = expected.d;
          marble += 'c-----d|';
        }
        m.expect(run(source)).toBeObservable(marble, values);
      }),
    );
  }

  it(
    'falls back to skip when the callee does not support call canceling',
    marbles((m) => {
      const legacy = new StageSession('l', 9, 'legacy', 'backend', LEGACY_CALLEE);
      const sealed = new StageSession('p', 4, 'pat', 'admin', { caller: { features: { payload_passthru_mode: true } } });
      const source = m.cold('abcd|', { a: register(legacy, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: cancel(a, 1, 'kill'), d: yieldOf(legacy, 1) });
      m.expect(run(source)).toBeObservable('abc-|', { a: 'l <- REGISTERED #1', b: 'l <- INVOCATION #1 [2,3]', c: 'a <- ERROR #1 wamp.error.canceled ["call canceled (skip)"]' });
    }),
  );

  it(
    'times a call out with wamp.error.timeout and interrupts the callee',
    marbles((m) => {
      const source = m.cold('ab------------c|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow', { timeout: 5 }), c: yieldOf(b, 1) });
      m.expect(run(source, { scheduler: m.scheduler })).toBeObservable('ab----(xy)-----|', {
        a: 'b <- REGISTERED #1',
        b: 'b <- INVOCATION #1 [2,3]',
        x: 'b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.timeout"}',
        y: 'a <- ERROR #1 wamp.error.timeout ["call timed out"]',
      });
    }),
  );

  it(
    'identifies the caller on disclose_me, and always for disclose_caller registrations',
    marbles((m) => {
      const source = m.cold('abcd|', {
        a: register(b, 1, 'com.p'),
        b: call(a, 1, 'com.p', { disclose_me: true }),
        c: register(c, 1, 'com.q', { disclose_caller: true }),
        d: call(a, 2, 'com.q'),
      });
      const caller = '{"caller":1,"caller_authid":"alice","caller_authrole":"admin"}';
      m.expect(run(source)).toBeObservable('abcd|', { a: 'b <- REGISTERED #1', b: `b <- INVOCATION #1 [2,3] ${caller}`, c: 'c <- REGISTERED #1', d: `c <- INVOCATION #1 [2,3] ${caller}` });
    }),
  );

  it(
    'routes pattern registrations exact > longest prefix > wildcard, naming the procedure',
    marbles((m) => {
      const d = new StageSession('d', 4);
      const source = m.cold('abcd-efgh|', {
        a: register(b, 1, 'com.x.y'),
        b: register(c, 1, 'com.x', { match: 'prefix' }),
        c: register(d, 1, 'com', { match: 'prefix' }),
        d: register(a, 1, 'com..z', { match: 'wildcard' }),
        e: call(a, 1, 'com.x.y'),
        f: call(a, 2, 'com.x.z'),
        g: call(a, 3, 'com.y.z'),
        h: call(a, 4, 'org.y.z'),
      });
      m.expect(run(source).pipe(filter((s) => !s.includes('REGISTERED')))).toBeObservable('-----efgh|', {
        e: 'b <- INVOCATION #1 [2,3]',
        f: 'c <- INVOCATION #1 [2,3] {"procedure":"com.x.z"}',
        g: 'd <- INVOCATION #1 [2,3] {"procedure":"com.y.z"}',
        h: 'a <- ERROR #4 wamp.error.no_such_procedure ["no callee registered procedure \'org.y.z\'"]',
      });
    }),
  );

  for (const [policy, order] of [
    ['roundrobin', 'bcb'],
    ['first', 'bbb'],
    ['last', 'ccc'],
  ] as const) {
    it(
      `shares a registration with invoke ${policy}`,
      marbles((m) => {
        const source = m.cold('ab-cde|', {
          a: register(b, 1, 'com.s', { invoke: policy }),
          b: register(c, 1, 'com.s', { invoke: policy }),
          c: call(a, 1, 'com.s'),
          d: call(a, 2, 'com.s'),
          e: call(a, 3, 'com.s'),
        });
        // Each callee numbers its own invocations: the n-th INVOCATION to b is #n.
        const sent = { b: 0, c: 0 };
        const values: Record<string, string> = {};
        const marble =
          '---' +
          [...order]
            .map((callee, i) => {
              const key = String.fromCharCode(120 + i);
              values[key] = `${callee} <- INVOCATION #${++sent[callee as 'b' | 'c']} [2,3]`;
              return key;
            })
            .join('') +
          '|';
        m.expect(run(source).pipe(filter((s) => s.includes('INVOCATION')))).toBeObservable(marble, values);
      }),
    );
  }

  it('shares a registration with invoke random among all callees', () => {
    const store = new RegistrationStore();
    const seen = new Set<string>();
    const thunks = [register(b, 1, 'com.r', { invoke: 'random' }), register(c, 1, 'com.r', { invoke: 'random' })];
    for (let i = 1; i <= 200; i++) thunks.push(call(a, i, 'com.r'));
    run(fromThunks(thunks), { store }).subscribe((s) => {
      if (s.includes('INVOCATION')) seen.add(s[0]!);
    });
    expect([...seen].sort()).toEqual(['b', 'c']);
  });

  it(
    'streams progressive call invocations to one callee under one request id',
    marbles((m) => {
      const source = m.cold('abcd|', {
        a: register(b, 1, 'com.upload'),
        b: call(a, 1, 'com.upload', { progress: true }, ['chunk1']),
        c: call(a, 1, 'com.upload', { progress: true }, ['chunk2']),
        d: call(a, 1, 'com.upload', {}, ['last']),
      });
      m.expect(run(source)).toBeObservable('abcd|', {
        a: 'b <- REGISTERED #1',
        b: 'b <- INVOCATION #1 ["chunk1"] {"progress":true}',
        c: 'b <- INVOCATION #1 ["chunk2"] {"progress":true}',
        d: 'b <- INVOCATION #1 ["last"]',
      });
    }),
  );

  it(
    'interrupts the callee when the caller leaves mid-call, and drops the late YIELD',
    marbles((m) => {
      const source = m.cold('abc----d|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: left(a), d: yieldOf(b, 1) });
      m.expect(run(source)).toBeObservable('ab(cx)--|', {
        a: 'b <- REGISTERED #1',
        b: 'b <- INVOCATION #1 [2,3]',
        c: 'b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.canceled"}',
        x: 'left a',
      });
    }),
  );

  it(
    'fails pending calls with wamp.error.canceled when the callee leaves, and removes its registrations',
    marbles((m) => {
      const store = new RegistrationStore();
      const source = m.cold('abc----|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: left(b) });
      m.expect(run(source, { store })).toBeObservable('ab(cx)-|', { a: 'b <- REGISTERED #1', b: 'b <- INVOCATION #1 [2,3]', c: 'a <- ERROR #1 wamp.error.canceled ["the callee left"]', x: 'left b' });
      m.flush();
      expect(store.size).toBe(0);
      expect(store.sessionCount).toBe(0);
    }),
  );

  describe('pending-call bookkeeping while both parties are still connected', () => {
    let input: Subject<Routed>;
    let clock: VirtualTimeScheduler;
    let state: DealerState;
    let out: string[];
    beforeEach(() => {
      input = new Subject<Routed>();
      clock = new VirtualTimeScheduler();
      out = [];
      input
        .pipe(
          dealer({ registrations: new RegistrationStore(), logger: silentLogger, scheduler: clock, onState: (s) => (state = s) }),
          map(summarize),
          filter((s) => !s.startsWith('meta')),
        )
        .subscribe((s) => out.push(s));
      input.next(register(b, 1, 'com.slow')());
      input.next(call(a, 1, 'com.slow', { timeout: 1000 })());
      expect([state.pendingCount, state.invocationCount, state.callerCount]).toEqual([1, 1, 1]);
      out.length = 0;
    });
    const held = () => [state.pendingCount, state.invocationCount, state.callerCount];

    it('forgets a call after its final result, and its timer with it', () => {
      input.next(yieldOf(b, 1, { progress: true })());
      expect(held()).toEqual([1, 1, 1]);
      input.next(yieldOf(b, 1)());
      expect(held()).toEqual([0, 0, 0]);
      clock.flush();
      expect(out).toEqual(['a <- RESULT #1 [5]']);
    });

    it('forgets a call after a callee ERROR', () => {
      input.next(from(b, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.x' }));
      expect(held()).toEqual([0, 0, 0]);
      clock.flush();
      expect(out).toEqual(['a <- ERROR #1 com.error.x']);
    });

    for (const mode of ['skip', 'killnowait'] as const) {
      it(`forgets a call canceled with ${mode} at once`, () => {
        input.next(cancel(a, 1, mode)());
        expect(held()).toEqual([0, 0, 0]);
        clock.flush();
        expect(out.filter((s) => s.startsWith('a <-'))).toEqual([`a <- ERROR #1 wamp.error.canceled ["call canceled (${mode})"]`]);
      });
    }

    it('keeps a call canceled with kill until the callee answers', () => {
      input.next(cancel(a, 1, 'kill')());
      expect(held()).toEqual([1, 1, 1]);
      input.next(from(b, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'wamp.error.canceled' }));
      expect(held()).toEqual([0, 0, 0]);
      clock.flush();
      expect(out).toEqual(['b <- INTERRUPT #1 {"mode":"kill","reason":"wamp.error.canceled"}', 'a <- ERROR #1 wamp.error.canceled']);
    });

    it('forgets a call that timed out, and drops the late YIELD', () => {
      clock.flush();
      expect(held()).toEqual([0, 0, 0]);
      input.next(yieldOf(b, 1)());
      expect(out).toEqual(['b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.timeout"}', 'a <- ERROR #1 wamp.error.timeout ["call timed out"]']);
    });

    it('forgets the calls of a callee that left: the caller gets one ERROR, and no timeout after it', () => {
      input.next(left(b)());
      expect(held()).toEqual([0, 0, 0]);
      clock.flush();
      expect(out).toEqual(['a <- ERROR #1 wamp.error.canceled ["the callee left"]', 'left b']);
    });

    it('keeps each of a caller\'s concurrent calls until its own answer', () => {
      input.next(call(a, 2, 'com.slow')());
      expect(held()).toEqual([2, 2, 1]);
      input.next(yieldOf(b, 2, {}, [7])());
      expect(held()).toEqual([1, 1, 1]);
      input.next(yieldOf(b, 1)());
      expect(held()).toEqual([0, 0, 0]);
      expect(out).toEqual(['b <- INVOCATION #2 [2,3]', 'a <- RESULT #2 [7]', 'a <- RESULT #1 [5]']);
    });

    it('arms no timer for a timeout of 0', () => {
      input.next(call(a, 2, 'com.slow', { timeout: 0 })());
      clock.flush();
      // Only call #1 (timeout 1000) timed out.
      expect(out.filter((s) => s.includes('timeout'))).toEqual(['b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.timeout"}', 'a <- ERROR #1 wamp.error.timeout ["call timed out"]']);
      expect(held()).toEqual([1, 1, 1]);
    });

    it('drops a late answer to an invocation that ended, and aborts an answer to one never sent', () => {
      input.next(cancel(a, 1, 'skip')());
      input.next(yieldOf(b, 1)());
      input.next(from(b, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.x' }));
      expect(b.direct).toEqual([]);
      input.next(yieldOf(b, 2)());
      expect(b.direct).toEqual(['ABORT wamp.error.protocol_violation']);
      expect(b.explanations).toEqual(['YIELD for INVOCATION.Request 2, which the router never sent']);
      const d = new StageSession('d', 4);
      input.next(register(d, 1, 'com.d')());
      input.next(call(a, 3, 'com.d')());
      input.next(from(d, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 9, Details: {}, Error: 'com.error.x' }));
      expect(d.explanations).toEqual(['ERROR for INVOCATION.Request 9, which the router never sent']);
      expect(out).toEqual(['a <- ERROR #1 wamp.error.canceled ["call canceled (skip)"]', 'd <- REGISTERED #1', 'd <- INVOCATION #1 [2,3]']);
    });

    it('releases its timers and state when the pipeline is torn down', () => {
      input.complete();
      expect(clock.actions).toEqual([]);
      expect(held()).toEqual([0, 0, 0]);
    });

    it('forgets the calls of a caller that left, and its timer with it', () => {
      input.next(left(a)());
      expect(held()).toEqual([0, 0, 0]);
      clock.flush();
      expect(out).toEqual(['b <- INTERRUPT #1 {"mode":"killnowait","reason":"wamp.error.canceled"}', 'left a']);
    });
  });

  it(
    'refuses a second registration by a callee of a shared registration, and a policy that differs from the shared one',
    marbles((m) => {
      const source = m.cold('abcde|', {
        a: register(b, 1, 'com.s', { invoke: 'roundrobin' }),
        b: register(c, 1, 'com.s', { invoke: 'roundrobin' }),
        c: register(b, 2, 'com.s', { invoke: 'roundrobin' }),
        d: register(a, 1, 'com.s', { invoke: 'random' }),
        e: register(a, 2, 'com.s', { invoke: 'roundrobin' }),
      });
      m.expect(run(source)).toBeObservable('abcde|', {
        a: 'b <- REGISTERED #1',
        b: 'c <- REGISTERED #1',
        c: 'b <- ERROR #2 wamp.error.procedure_already_exists ["this session has already registered \'com.s\'"]',
        d: 'a <- ERROR #1 wamp.error.procedure_already_exists ["\'com.s\' is registered with invocation policy \'roundrobin\', not \'random\'"]',
        e: 'a <- REGISTERED #2',
      });
    }),
  );

  it('tells the meta API who registered and unregistered what, and deletes a shared registration with its last callee', () => {
    const store = new RegistrationStore();
    const metas: unknown[][] = [];
    const unregister = (s: StageSession, request: number) => () => from(s, 'UNREGISTER', { Request: request, Registration: store.lookup('com.s', 'prefix')!.id });
    fromThunks([register(b, 1, 'com.s', { invoke: 'first', match: 'prefix' }), register(c, 1, 'com.s', { invoke: 'first', match: 'prefix' }), unregister(b, 2), unregister(c, 2)])
      .pipe(map((t) => t()), dealer({ registrations: store, logger: silentLogger }))
      .subscribe((r) => {
        if (r.kind === 'meta') metas.push([r.topic, ...r.args]);
        else if (r.kind === 'out') metas.push([summarize(r)]);
      });
    const id = jasmine.any(Number);
    expect(metas).toEqual([
      ['b <- REGISTERED #1'],
      ['wamp.registration.on_create', 2, { id, created: jasmine.any(String), uri: 'com.s', match: 'prefix', invoke: 'first' }],
      ['wamp.registration.on_register', 2, id],
      ['c <- REGISTERED #1'],
      ['wamp.registration.on_register', 3, id],
      ['b <- UNREGISTERED #2'],
      ['wamp.registration.on_unregister', 2, id],
      ['c <- UNREGISTERED #2'],
      ['wamp.registration.on_unregister', 3, id],
      ['wamp.registration.on_delete', 3, id],
    ]);
    const ids = new Set(metas.filter((e) => e.length === 3 && e[0] !== 'wamp.registration.on_create').map((e) => e[2]));
    expect(ids.size).toBe(1);
  });

  it(
    'refuses a CALL of an invalid URI, and a progressive or payload passthru call to a callee that cannot take one',
    marbles((m) => {
      const legacy = new StageSession('l', 9, 'legacy', 'backend', LEGACY_CALLEE);
      const sealed = new StageSession('p', 4, 'pat', 'admin', { caller: { features: { payload_passthru_mode: true } } });
      const source = m.cold('abcd|', {
        a: register(legacy, 1, 'com.up'),
        b: call(a, 1, 'com..up'),
        c: call(a, 2, 'com.up', { progress: true }),
        d: call(sealed, 3, 'com.up', { ppt_scheme: 'x_opaque', ppt_serializer: 'cbor' }),
      });
      m.expect(run(source)).toBeObservable('abcd|', {
        a: 'l <- REGISTERED #1',
        b: 'a <- ERROR #1 wamp.error.invalid_uri ["invalid procedure URI \'com..up\'"]',
        c: 'a <- ERROR #2 wamp.error.feature_not_supported ["the callee of \'com.up\' does not support progressive call invocations"]',
        d: 'p <- ERROR #3 wamp.error.feature_not_supported ["the callee of \'com.up\' does not support payload passthru mode"]',
      });
    }),
  );

  it(
    'times out a call to a callee without call canceling without an INTERRUPT',
    marbles((m) => {
      const legacy = new StageSession('l', 9, 'legacy', 'backend', LEGACY_CALLEE);
      const source = m.cold('ab------|', { a: register(legacy, 1, 'com.slow'), b: call(a, 1, 'com.slow', { timeout: 3 }) });
      m.expect(run(source, { scheduler: m.scheduler })).toBeObservable('ab--y---|', { a: 'l <- REGISTERED #1', b: 'l <- INVOCATION #1 [2,3]', y: 'a <- ERROR #1 wamp.error.timeout ["call timed out"]' });
    }),
  );

  it(
    'interrupts no callee that is gone or cannot cancel when the caller leaves, and answers no one for a call to oneself',
    marbles((m) => {
      const legacy = new StageSession('l', 9, 'legacy', 'backend', LEGACY_CALLEE);
      const closing = (): Routed => {
        b.open = false;
        return left(a)();
      };
      const source = m.cold('abcde-f-g|', {
        a: register(legacy, 1, 'com.old'),
        b: register(b, 1, 'com.gone'),
        c: call(a, 1, 'com.old'),
        d: call(a, 2, 'com.gone'),
        e: closing,
        f: call(c, 1, 'com.self.rpc'),
        g: () => {
          c.open = false;
          return left(c)();
        },
      });
      const withSelf = m.cold('a|', { a: register(c, 1, 'com.self.rpc') });
      m.expect(run(concatThunks(withSelf, source)).pipe(filter((s) => !s.includes('REGISTERED')))).toBeObservable('---cde-f-g|', {
        c: 'l <- INVOCATION #1 [2,3]',
        d: 'b <- INVOCATION #1 [2,3]',
        e: 'left a',
        f: 'c <- INVOCATION #1 [2,3]',
        g: 'left c',
      });
    }),
  );

  it('aborts a caller that reuses the request id of a pending call, saying so', () => {
    fromThunks([register(b, 1, 'com.p'), call(a, 1, 'com.p'), call(a, 1, 'com.p')])
      .pipe(map((t) => t()), dealer({ registrations: new RegistrationStore(), logger: silentLogger }))
      .subscribe();
    expect(a.explanations).toEqual(['CALL request id 1 is already in use by a pending call']);
  });

  it('passes on ERRORs that answer anything but an INVOCATION (the lifecycle stage judges them)', () => {
    const seen: string[] = [];
    fromThunks([register(b, 1, 'com.p'), call(a, 1, 'com.p'), () => from(b, 'ERROR', { 'REQUEST.Type': 48, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.x' })])
      .pipe(map((t) => t()), dealer({ registrations: new RegistrationStore(), logger: silentLogger }), map(summarize), filter((s) => !s.startsWith('meta')))
      .subscribe((s) => seen.push(s));
    expect(seen).toEqual(['b <- REGISTERED #1', 'b <- INVOCATION #1 [2,3]', 'b -> ERROR']);
  });

  it('ends with ABORT the session whose message made the dealer fail, logging the stage', () => {
    const broken = new StageSession('x', 5);
    broken.supports = () => {
      throw new Error('boom');
    };
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    fromThunks([register(broken, 1, 'com.p'), call(a, 1, 'com.p', { receive_progress: true })])
      .pipe(map((t) => t()), dealer({ registrations: new RegistrationStore(), logger: { log: (_level, event, fields) => lines.push([event, fields]) } }))
      .subscribe();
    expect(lines).toEqual([['stage_failure', { stage: 'dealer', kind: 'in', error: 'boom' }]]);
    expect(a.direct).toEqual(['ABORT wamp.error.runtime_error']);
    expect(a.explanations).toEqual(['internal router error in dealer']);
  });

  it('treats a YIELD for an invocation never sent as a protocol violation, and a duplicate CALL id too', () => {
    const store = new RegistrationStore();
    fromThunks([register(b, 1, 'com.p'), yieldOf(b, 99), call(a, 1, 'com.p'), call(a, 1, 'com.p')])
      .pipe(map((t) => t()), dealer({ registrations: store, logger: silentLogger }))
      .subscribe();
    expect(b.direct).toEqual(['ABORT wamp.error.protocol_violation']);
    expect(a.direct).toEqual(['ABORT wamp.error.protocol_violation']);
  });
});

describe('dealer stage: news from the cluster', () => {
  const REVOCABLE = { ...LEGACY_CALLEE, callee: { features: { registration_revocation: true } } };
  let store: RegistrationStore;
  let out: string[];
  let input: Subject<Routed>;
  let known: Map<number, StageSession>;

  beforeEach(() => {
    store = new RegistrationStore();
    out = [];
    input = new Subject<Routed>();
    known = new Map();
    // No cluster link: the inputs below are what one would hand the realm.
    input.pipe(dealer({ registrations: store, logger: silentLogger, sessionFor: (info) => known.get(info.id) }), map(summarize)).subscribe((s) => out.push(s));
  });

  const registerLocally = (session: StageSession, procedure: string): number => {
    input.next(from(session, 'REGISTER', { Request: 1, Options: {}, Procedure: procedure }));
    return store.lookup(procedure, 'exact')!.id;
  };
  const revoked = (session: number, registration: number): Routed => ({ kind: 'cluster', input: { type: 'revoked', session, registration }, session: undefined });
  const info = (session: StageSession) => ({ node: 'n2', id: session.id, authid: session.authid, authrole: session.authrole, authmethod: 'anonymous', authprovider: 'static', roles: session.roles });

  it('revokes a local registration the cluster could not re-establish: UNREGISTERED for a callee that announced revocation', () => {
    const callee = new StageSession('c', 7, 'carol', 'backend', REVOCABLE);
    const id = registerLocally(callee, 'com.taken');
    out.length = 0;
    input.next(revoked(7, id));
    expect(out).toEqual(['c <- UNREGISTERED #0 ' + JSON.stringify({ registration: id, reason: 'wamp.error.procedure_already_exists' }), 'meta wamp.registration.on_unregister', 'meta wamp.registration.on_delete']);
    expect(store.size).toBe(0);
  });

  it('revokes silently for an old callee, and ignores a revocation of something unknown', () => {
    const old = new StageSession('o', 8, 'oscar', 'backend', LEGACY_CALLEE);
    const id = registerLocally(old, 'com.old');
    out.length = 0;
    input.next(revoked(9, id));
    input.next(revoked(8, id + 1));
    expect(out).toEqual([]);
    input.next(revoked(8, id));
    expect(out).toEqual(['meta wamp.registration.on_unregister', 'meta wamp.registration.on_delete']);
    expect(store.size).toBe(0);
  });

  it('mirrors the cluster registrations: their callees still here, and nothing once the registration is gone', () => {
    const here = new StageSession('h', 11);
    const gone = new StageSession('g', 12);
    gone.open = false;
    known.set(11, here).set(12, gone);
    const registration = { id: 5, procedure: 'com.mirror', match: 'exact' as const, invoke: 'roundrobin' as const, created: '2026-12-01T00:00:00.000Z', callees: [here, gone].map((s) => ({ session: info(s), discloseCaller: false })) };
    input.next({ kind: 'cluster', input: { type: 'registration', procedure: 'com.mirror', match: 'exact', registration }, session: undefined });
    expect(store.lookup('com.mirror', 'exact')).toEqual(jasmine.objectContaining({ id: 5, invoke: 'roundrobin', created: '2026-12-01T00:00:00.000Z' }));
    expect(store.lookup('com.mirror', 'exact')!.callees.map((c) => c.session)).toEqual([here]);
    input.next({ kind: 'cluster', input: { type: 'registration', procedure: 'com.mirror', match: 'exact', registration: undefined }, session: undefined });
    expect(store.size).toBe(0);
    expect(out).toEqual([]);
  });

  it('answers a REGISTER whose registration changed while the cluster decided with procedure_already_exists', () => {
    // The cluster's answer names a callee this node no longer knows: nothing is left to register.
    const late = new StageSession('l', 13);
    const registration = { id: 6, procedure: 'com.changed', match: 'exact' as const, invoke: 'single' as const, created: '', callees: [{ session: info(late), discloseCaller: false }] };
    input.next({ kind: 'cluster', input: { type: 'registered', session: late, request: 4, outcome: { ok: true, registration } }, session: late });
    expect(out).toEqual([`l <- ERROR #4 wamp.error.procedure_already_exists ["'com.changed' changed while registering"]`]);
  });
});

function fromThunks(thunks: Array<() => Routed>): Observable<() => Routed> {
  return rxFrom(thunks);
}

/** `first`, then `second`, each in its own frames (one marble flow after the other). */
function concatThunks(first: Observable<() => Routed>, second: Observable<() => Routed>): Observable<() => Routed> {
  return concat(first, second);
}
