import { filter, from as rxFrom, map } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { dealer } from '../../src/router/dealer.js';
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
      m.expect(run(source)).toBeObservable('a-b-c|', { a: 'b <- REGISTERED', b: 'b <- INVOCATION [2,3]', c: 'a <- RESULT [5]' });
    }),
  );

  it(
    'reports registrations to the meta API',
    marbles((m) => {
      const source = m.cold('a-----b-----|', { a: register(b, 1, 'com.add', { invoke: 'roundrobin' }), b: register(c, 1, 'com.add', { invoke: 'roundrobin' }) });
      m.expect(run(source, { meta: true })).toBeObservable('(abc)-(de)--|', {
        a: 'b <- REGISTERED',
        b: 'meta wamp.registration.on_create',
        c: 'meta wamp.registration.on_register',
        d: 'c <- REGISTERED',
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
        a: 'b <- REGISTERED',
        b: 'c <- ERROR wamp.error.procedure_already_exists',
        c: 'b <- ERROR wamp.error.procedure_already_exists',
        d: 'c <- ERROR wamp.error.procedure_already_exists',
        e: 'c <- ERROR wamp.error.invalid_uri',
        f: 'c <- ERROR wamp.error.invalid_uri',
        g: 'a <- ERROR wamp.error.no_such_procedure',
        h: 'c <- ERROR wamp.error.no_such_registration',
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
        a: 'b <- REGISTERED',
        b: 'b <- INVOCATION [2,3] {"receive_progress":true}',
        c: 'a <- RESULT [1] {"progress":true}',
        d: 'a <- RESULT [2] {"progress":true}',
        e: 'a <- RESULT [3]',
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
        a: 'w <- REGISTERED',
        // Not told receive_progress: it did not announce the feature as callee.
        b: 'w <- INVOCATION [2,3]',
        c: 'a <- RESULT [1] {"progress":true}',
        d: 'a <- RESULT [2] {"progress":true}',
        e: 'a <- RESULT [3]',
      });
    }),
  );

  it(
    'drops progressive YIELDs for a caller that did not ask for them',
    marbles((m) => {
      const source = m.cold('abcd|', { a: register(b, 1, 'com.count'), b: call(a, 1, 'com.count'), c: yieldOf(b, 1, { progress: true }, [1]), d: yieldOf(b, 1, {}, [3]) });
      m.expect(run(source)).toBeObservable('ab-d|', { a: 'b <- REGISTERED', b: 'b <- INVOCATION [2,3]', d: 'a <- RESULT [3]' });
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
      m.expect(run(source)).toBeObservable('abc|', { a: 'b <- REGISTERED', b: 'b <- INVOCATION [2,3]', c: 'a <- ERROR com.error.div_by_zero {"d":0}' });
    }),
  );

  for (const [mode, expected] of [
    ['skip', { c: 'a <- ERROR wamp.error.canceled', d: '' }],
    ['killnowait', { c: '(xy)', d: '' }],
    ['kill', { c: 'b <- INTERRUPT {"mode":"kill","reason":"wamp.error.canceled"}', d: 'a <- ERROR wamp.error.canceled' }],
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
        const values: Record<string, string> = { a: 'b <- REGISTERED', b: 'b <- INVOCATION [2,3]' };
        let marble = 'ab-';
        if (mode === 'killnowait') {
          values['x'] = 'b <- INTERRUPT {"mode":"killnowait","reason":"wamp.error.canceled"}';
          values['y'] = 'a <- ERROR wamp.error.canceled';
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
      const source = m.cold('abcd|', { a: register(legacy, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: cancel(a, 1, 'kill'), d: yieldOf(legacy, 1) });
      m.expect(run(source)).toBeObservable('abc-|', { a: 'l <- REGISTERED', b: 'l <- INVOCATION [2,3]', c: 'a <- ERROR wamp.error.canceled' });
    }),
  );

  it(
    'times a call out with wamp.error.timeout and interrupts the callee',
    marbles((m) => {
      const source = m.cold('ab------------c|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow', { timeout: 5 }), c: yieldOf(b, 1) });
      m.expect(run(source, { scheduler: m.scheduler })).toBeObservable('ab----(xy)-----|', {
        a: 'b <- REGISTERED',
        b: 'b <- INVOCATION [2,3]',
        x: 'b <- INTERRUPT {"mode":"killnowait","reason":"wamp.error.timeout"}',
        y: 'a <- ERROR wamp.error.timeout',
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
      m.expect(run(source)).toBeObservable('abcd|', { a: 'b <- REGISTERED', b: `b <- INVOCATION [2,3] ${caller}`, c: 'c <- REGISTERED', d: `c <- INVOCATION [2,3] ${caller}` });
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
        e: 'b <- INVOCATION [2,3]',
        f: 'c <- INVOCATION [2,3] {"procedure":"com.x.z"}',
        g: 'd <- INVOCATION [2,3] {"procedure":"com.y.z"}',
        h: 'a <- ERROR wamp.error.no_such_procedure',
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
        const values = { x: 'b <- INVOCATION [2,3]', y: 'c <- INVOCATION [2,3]' };
        const marble = '---' + [...order].map((s) => (s === 'b' ? 'x' : 'y')).join('') + '|';
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
        a: 'b <- REGISTERED',
        b: 'b <- INVOCATION ["chunk1"] {"progress":true}',
        c: 'b <- INVOCATION ["chunk2"] {"progress":true}',
        d: 'b <- INVOCATION ["last"]',
      });
    }),
  );

  it(
    'interrupts the callee when the caller leaves mid-call, and drops the late YIELD',
    marbles((m) => {
      const source = m.cold('abc----d|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: left(a), d: yieldOf(b, 1) });
      m.expect(run(source)).toBeObservable('ab(cx)--|', {
        a: 'b <- REGISTERED',
        b: 'b <- INVOCATION [2,3]',
        c: 'b <- INTERRUPT {"mode":"killnowait","reason":"wamp.error.canceled"}',
        x: 'left a',
      });
    }),
  );

  it(
    'fails pending calls with wamp.error.canceled when the callee leaves, and removes its registrations',
    marbles((m) => {
      const store = new RegistrationStore();
      const source = m.cold('abc----|', { a: register(b, 1, 'com.slow'), b: call(a, 1, 'com.slow'), c: left(b) });
      m.expect(run(source, { store })).toBeObservable('ab(cx)-|', { a: 'b <- REGISTERED', b: 'b <- INVOCATION [2,3]', c: 'a <- ERROR wamp.error.canceled', x: 'left b' });
      m.flush();
      expect(store.size).toBe(0);
      expect(store.sessionCount).toBe(0);
    }),
  );

  it('treats a YIELD for an invocation never sent as a protocol violation, and a duplicate CALL id too', () => {
    const store = new RegistrationStore();
    fromThunks([register(b, 1, 'com.p'), yieldOf(b, 99), call(a, 1, 'com.p'), call(a, 1, 'com.p')])
      .pipe(map((t) => t()), dealer({ registrations: store, logger: silentLogger }))
      .subscribe();
    expect(b.direct).toEqual(['ABORT wamp.error.protocol_violation']);
    expect(a.direct).toEqual(['ABORT wamp.error.protocol_violation']);
  });
});

function fromThunks(thunks: Array<() => Routed>): Observable<() => Routed> {
  return rxFrom(thunks);
}
