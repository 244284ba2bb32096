import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { ClientAuthMethod } from '../../src/client/auth/auth-method.js';
import { ProtocolViolation, WampError } from '../../src/protocol/errors.js';
import { SessionClosedError } from '../../src/session/session-errors.js';
import { WampSession } from '../../src/session/wamp-session.js';
import { scriptedConnection } from '../support/scripted-router.js';
import type { Dict } from '../../src/protocol/dict.js';

function open(options: Partial<Parameters<typeof WampSession.connect>[1]> = {}) {
  const { transport, router } = scriptedConnection();
  let session: WampSession | undefined;
  let ended: { error?: unknown; complete?: boolean } | undefined;
  WampSession.connect(transport, { realm: 'realm1', ...options }).subscribe({
    next: (s) => (session = s),
    error: (error: unknown) => (ended = { error }),
    complete: () => (ended = { complete: true }),
  });
  return { router, get session() { return session; }, get ended() { return ended; } };
}

/** Opens a session and keeps the connect Observable subscribed (unsubscribing would close it). */
function connected(transport: Parameters<typeof WampSession.connect>[0], options: Parameters<typeof WampSession.connect>[1]): Promise<WampSession> {
  return new Promise((resolve, reject) => WampSession.connect(transport, options).subscribe({ next: resolve, error: reject }));
}

describe('WampSession handshake', () => {
  it('sends HELLO with the realm, the client roles and their features, and is established by WELCOME', () => {
    const t = open();
    const hello = t.router.received[0]!;
    expect(hello[0]).toBe(1);
    expect(hello[1]).toBe('realm1');
    const roles = (hello[2] as Dict)['roles'] as Dict;
    expect(Object.keys(roles).sort()).toEqual(['callee', 'caller', 'publisher', 'subscriber']);
    expect(((roles['caller'] as Dict)['features'] as Dict)['call_canceling']).toBeTrue();
    expect(t.session?.state).toBe('established');
    expect(t.session?.id).toBe(1);
    expect(t.session?.details['authrole']).toBe('anonymous');
  });

  it('errors with a WampError carrying the ABORT reason', () => {
    const { transport, router } = scriptedConnection();
    router.on('HELLO', () => [[3, { message: 'no such realm' }, 'wamp.error.no_such_realm']]);
    let error: unknown;
    WampSession.connect(transport, { realm: 'nowhere' }).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toBeInstanceOf(WampError);
    expect((error as WampError).uri).toBe('wamp.error.no_such_realm');
    expect((error as WampError).message).toContain('no such realm');
    expect(router.closed).toBeTrue();
  });

  it('answers CHALLENGE with the matching auth method and announces authmethods, authid and authextra', async () => {
    const { transport, router } = scriptedConnection();
    const method: ClientAuthMethod = {
      method: 'ticket',
      helloExtra: () => ({ k: 'v' }),
      respond: async (extra) => ({ signature: `sig-for-${String(extra['n'])}` }),
    };
    router.on('HELLO', () => [[4, 'ticket', { n: 7 }]]);
    router.on('AUTHENTICATE', (m, r) => [[2, r.sessionId, { roles: r.roles, authid: 'joe' }]]);
    const session = await firstValueFrom(WampSession.connect(transport, { realm: 'r', authid: 'joe', authmethods: [method] }));
    expect(router.received[0]![2]).toEqual(jasmine.objectContaining({ authmethods: ['ticket'], authid: 'joe', authextra: { k: 'v' } }));
    expect(router.receivedNamed('AUTHENTICATE')).toEqual([[5, 'sig-for-7', {}]]);
    expect(session.details['authid']).toBe('joe');
  });

  it('ABORTs with authentication_failed when the auth method cannot answer', async () => {
    const { transport, router } = scriptedConnection();
    const method: ClientAuthMethod = { method: 'wampcra', respond: () => Promise.reject(new Error('no key')) };
    router.on('HELLO', () => [[4, 'wampcra', {}]]);
    const error = await firstValueFrom(WampSession.connect(transport, { realm: 'r', authmethods: [method] })).catch((e: unknown) => e);
    expect((error as WampError).uri).toBe('wamp.error.authentication_failed');
    expect(router.receivedNamed('ABORT')[0]![2]).toBe('wamp.error.authentication_failed');
  });

  it('close() sends GOODBYE, waits for the reply, completes and closes the transport', async () => {
    const t = open();
    await t.session!.close();
    expect(t.router.receivedNamed('GOODBYE')).toEqual([[6, {}, 'wamp.close.normal']]);
    expect(t.ended).toEqual({ complete: true });
    expect(t.session!.state).toBe('closed');
    expect(t.router.closed).toBeTrue();
  });

  it("answers the router's GOODBYE with goodbye_and_out and completes", () => {
    const t = open();
    t.router.send([6, { message: 'shutting down' }, 'wamp.close.system_shutdown']);
    expect(t.router.receivedNamed('GOODBYE')).toEqual([[6, {}, 'wamp.close.goodbye_and_out']]);
    expect(t.ended).toEqual({ complete: true });
  });

  it('errors with a SessionClosedError (network_failure) when the transport drops', () => {
    const t = open();
    t.router.drop();
    expect(t.ended?.error).toBeInstanceOf(SessionClosedError);
    expect((t.ended?.error as WampError).uri).toBe('wamp.error.network_failure');
  });

  it('errors pending requests and live streams when the session ends', () => {
    const t = open();
    t.router.on('CALL', () => []);
    const seen: string[] = [];
    t.session!.call('p').subscribe({ error: (e: unknown) => seen.push(`call:${(e as WampError).uri}`) });
    t.session!.subscribe('t').subscribe({ error: (e: unknown) => seen.push(`sub:${(e as WampError).uri}`) });
    t.router.drop();
    expect(seen.sort()).toEqual(['call:wamp.error.network_failure', 'sub:wamp.error.network_failure']);
    expect(t.session!.internalSize()).toBe(0);
  });

  it('refuses requests once closed', async () => {
    const t = open();
    await t.session!.close();
    const error = await lastValueFrom(t.session!.call('p')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionClosedError);
  });

  it('exposes every inbound message on messages$', () => {
    const t = open();
    const seen: number[] = [];
    t.session!.messages$.subscribe((m) => seen.push(m.code));
    t.router.on('CALL', (m) => [[50, m[1], {}, [1]]]);
    t.session!.call('p').subscribe();
    expect(seen).toEqual([50]);
  });
});

describe('WampSession requireRouterFeatures', () => {
  const cases: Array<[string, (s: WampSession) => Promise<unknown>, string]> = [
    ['a progressive call', (s) => lastValueFrom(s.call('p', [], {}, { receive_progress: true })), 'progressive_call_results'],
    ['a call timeout', (s) => lastValueFrom(s.call('p', [], {}, { timeout: 10 })), 'call_timeout'],
    ['a pattern subscription', (s) => lastValueFrom(s.subscribe('a.', { match: 'prefix' })), 'pattern_based_subscription'],
    ['a shared registration', (s) => lastValueFrom(s.register('p', () => 1, { invoke: 'roundrobin' })), 'shared_registration'],
    ['a pattern registration', (s) => lastValueFrom(s.register('p.', () => 1, { match: 'prefix' })), 'pattern_based_registration'],
    ['publisher exclusion', (s) => lastValueFrom(s.publish('t', [], {}, { exclude_me: false }), { defaultValue: 0 }), 'publisher_exclusion'],
    ['publisher identification', (s) => lastValueFrom(s.publish('t', [], {}, { disclose_me: true }), { defaultValue: 0 }), 'publisher_identification'],
    ['black/white listing', (s) => lastValueFrom(s.publish('t', [], {}, { eligible: [1] }), { defaultValue: 0 }), 'subscriber_blackwhite_listing'],
  ];
  for (const [what, use, feature] of cases) {
    it(`refuses ${what} when the router did not announce ${feature}, and allows it when not required`, async () => {
      const strict = scriptedConnection();
      strict.router.roles = { broker: {}, dealer: {} };
      const session = await connected(strict.transport, { realm: 'r' });
      const error = await use(session).catch((e: unknown) => e);
      expect((error as WampError).uri).toBe('wamp.error.feature_not_supported');
      expect((error as WampError).message).toContain(feature);
      expect(strict.router.received.length).toBe(1);

      const lax = scriptedConnection();
      lax.router.roles = { broker: {}, dealer: {} };
      lax.router.on('CALL', (m) => [[50, m[1], {}]]);
      const laxSession = await connected(lax.transport, { realm: 'r', requireRouterFeatures: false });
      const sub = use(laxSession);
      expect(lax.router.received.length).toBe(2);
      void sub.catch(() => undefined);
    });
  }
});

describe('WampSession protocol violations', () => {
  function expectViolation(t: ReturnType<typeof open>, text: string): void {
    const abort = t.router.receivedNamed('ABORT');
    expect(abort.length).withContext('ABORT sent').toBe(1);
    expect(abort[0]![2]).toBe('wamp.error.protocol_violation');
    expect(String((abort[0]![1] as Dict)['message'])).toContain(text);
    expect(t.ended?.error).toBeInstanceOf(ProtocolViolation);
    expect(t.router.closed).toBeTrue();
  }

  const beforeWelcome: Array<[string, unknown[], string]> = [
    ['GOODBYE', [6, {}, 'wamp.close.normal'], 'GOODBYE before the session was established'],
    ['ERROR', [8, 48, 1, {}, 'x.y'], 'ERROR before'],
    ['SUBSCRIBED', [33, 1, 2], 'SUBSCRIBED before'],
    ['UNSUBSCRIBED', [35, 1], 'UNSUBSCRIBED before'],
    ['PUBLISHED', [17, 1, 2], 'PUBLISHED before'],
    ['RESULT', [50, 1, {}], 'RESULT before'],
    ['REGISTERED', [65, 1, 2], 'REGISTERED before'],
    ['UNREGISTERED', [67, 1], 'UNREGISTERED before'],
    ['INVOCATION', [68, 1, 2, {}], 'INVOCATION before'],
    ['EVENT', [36, 1, 2, {}], 'EVENT before'],
    ['CHALLENGE for a method not offered', [4, 'ticket', {}], 'did not offer'],
  ];
  for (const [what, message, text] of beforeWelcome) {
    it(`ABORTs on ${what} before WELCOME`, () => {
      const { transport, router } = scriptedConnection();
      router.on('HELLO', () => [message]);
      let error: unknown;
      WampSession.connect(transport, { realm: 'r' }).subscribe({ error: (e: unknown) => (error = e) });
      const abort = router.receivedNamed('ABORT');
      expect(abort.length).toBe(1);
      expect(abort[0]![2]).toBe('wamp.error.protocol_violation');
      expect(String((abort[0]![1] as Dict)['message'])).toContain(text);
      expect(error).toBeInstanceOf(ProtocolViolation);
      expect(router.closed).toBeTrue();
    });
  }

  const afterWelcome: Array<[string, unknown[], string]> = [
    ['a second WELCOME', [2, 5, {}], 'WELCOME after the session was established'],
    ['CHALLENGE', [4, 'ticket', {}], 'CHALLENGE after'],
    ['HELLO', [1, 'realm1', {}], 'never sends'],
    ['AUTHENTICATE', [5, 'x', {}], 'never sends'],
    ['CALL', [48, 1, {}, 'p'], 'never sends'],
    ['PUBLISH', [16, 1, {}, 't'], 'never sends'],
    ['YIELD', [70, 1, {}], 'never sends'],
    ['RESULT for an unknown call', [50, 77, {}], 'RESULT for CALL request 77'],
    ['ERROR for an unknown call', [8, 48, 77, {}, 'x.y'], 'ERROR for CALL request 77'],
    ['ERROR for an unknown SUBSCRIBE', [8, 32, 77, {}, 'x.y'], 'SUBSCRIBE request 77'],
    ['ERROR for an unknown UNSUBSCRIBE', [8, 34, 77, {}, 'x.y'], 'UNSUBSCRIBE request 77'],
    ['ERROR for an unknown REGISTER', [8, 64, 77, {}, 'x.y'], 'REGISTER request 77'],
    ['ERROR for an unknown UNREGISTER', [8, 66, 77, {}, 'x.y'], 'UNREGISTER request 77'],
    ['ERROR for an unacknowledged PUBLISH', [8, 16, 77, {}, 'x.y'], 'PUBLISH request 77'],
    ['ERROR of type INVOCATION', [8, 68, 77, {}, 'x.y'], 'type 68'],
    ['ERROR with an invalid REQUEST.Type', [8, 50, 77, {}, 'x.y'], 'REQUEST.Type'],
    ['SUBSCRIBED for an unknown request', [33, 77, 5], 'SUBSCRIBED for request 77'],
    ['UNSUBSCRIBED for an unknown request', [35, 77], 'UNSUBSCRIBED for request 77'],
    ['PUBLISHED for an unknown request', [17, 77, 5], 'PUBLISHED for PUBLISH request 77'],
    ['REGISTERED for an unknown request', [65, 77, 5], 'REGISTERED for request 77'],
    ['UNREGISTERED for an unknown request', [67, 77], 'UNREGISTERED for request 77'],
    ['EVENT for an unknown subscription', [36, 77, 5, {}], 'EVENT for subscription 77'],
    ['INVOCATION for an unknown registration', [68, 1, 77, {}], 'INVOCATION for registration 77'],
    ['INVOCATION out of sequence', [68, 5, 77, {}], 'out of sequence'],
    ['an unknown message code', [99, 1], 'unknown message code 99'],
    ['a malformed message', [50, 'x', {}], 'RESULT'],
    ['a revocation without Details', [35, 0], 'revocation'],
  ];
  /** What only the strict checks refuse; by default these are dropped (see 'WampSession strictness'). */
  const strictOnly = new Set([
    'RESULT for an unknown call', 'ERROR for an unknown call', 'ERROR for an unknown SUBSCRIBE', 'ERROR for an unknown UNSUBSCRIBE',
    'ERROR for an unknown REGISTER', 'ERROR for an unknown UNREGISTER', 'ERROR for an unacknowledged PUBLISH', 'SUBSCRIBED for an unknown request',
    'UNSUBSCRIBED for an unknown request', 'PUBLISHED for an unknown request', 'REGISTERED for an unknown request', 'UNREGISTERED for an unknown request',
    'EVENT for an unknown subscription', 'INVOCATION for an unknown registration', 'INVOCATION out of sequence',
  ]);
  for (const [what, message, text] of afterWelcome) {
    const options = strictOnly.has(what) ? { strict: true } : {};
    it(`ABORTs on ${what} after WELCOME${strictOnly.has(what) ? ' (strict: true)' : ''}`, () => {
      const t = open(options);
      t.router.send(message);
      expectViolation(t, text);
    });
    if (!strictOnly.has(what)) continue;
    it(`drops ${what} by default and stays established`, () => {
      const t = open();
      t.router.send(message);
      expect(t.router.receivedNamed('ABORT')).toEqual([]);
      expect(t.session!.state).toBe('established');
    });
  }

  it('ABORTs on a frame that is not JSON', () => {
    const t = open();
    t.router.sendFrame('{not json');
    expectViolation(t, '');
  });

  it('ABORTs on a progressive RESULT for a call that did not ask for progress (strict: true)', () => {
    const t = open({ strict: true });
    t.router.on('CALL', (m) => [[50, m[1], { progress: true }, [1]]]);
    let error: unknown;
    t.session!.call('p').subscribe({ error: (e: unknown) => (error = e) });
    expectViolation(t, 'did not ask for progress');
    expect(error).toBeInstanceOf(ProtocolViolation);
  });

  it('ABORTs on INVOCATION reusing the id of a running, non-progressive invocation', () => {
    const t = open();
    let registrationError: unknown;
    t.session!.register('p', () => new Promise(() => undefined)).subscribe({ error: (e: unknown) => (registrationError = e) });
    const registration = 100;
    t.router.send([68, 1, registration, {}]);
    t.router.send([68, 1, registration, {}]);
    expectViolation(t, 'reuses request 1');
    expect(registrationError).toBeInstanceOf(ProtocolViolation);
  });

  it('does not treat a late RESULT or ERROR for a call it canceled as a violation', () => {
    const t = open();
    t.router.on('CALL', () => []);
    t.router.on('CANCEL', () => []);
    t.session!.call('p').subscribe().unsubscribe();
    t.session!.call('q').subscribe().unsubscribe();
    t.router.send([50, 1, {}, [1]]);
    t.router.send([8, 48, 2, {}, 'wamp.error.canceled']);
    expect(t.router.receivedNamed('ABORT')).toEqual([]);
    expect(t.session!.state).toBe('established');
    expect(t.session!.internalSize()).toBe(0);
  });
});

describe('WampSession strictness (strict, checkRequestIds, rejectStrayMessages)', () => {
  /** A session with a registration the scripted router numbers 100. */
  function callee(options: Partial<Parameters<typeof WampSession.connect>[1]> = {}) {
    const t = open(options);
    t.session!.register('p', (args) => (args[0] as number) * 2).subscribe({ error: () => undefined });
    return t;
  }
  const yields = (t: ReturnType<typeof open>) => t.router.receivedNamed('YIELD').map((m) => [m[1], m[3]]);

  it('by default answers INVOCATIONs numbered by a router-wide counter (Nexus: 25, 26, 27)', () => {
    const t = callee();
    for (const id of [25, 26, 27]) t.router.send([68, id, 100, {}, [id]]);
    expect(yields(t)).toEqual([[25, [50]], [26, [52]], [27, [54]]]);
    expect(t.session!.state).toBe('established');
  });

  for (const options of [{ strict: true }, { checkRequestIds: true }]) {
    it(`refuses an INVOCATION id out of sequence with ${JSON.stringify(options)}`, () => {
      const t = callee(options);
      t.router.send([68, 25, 100, {}, [1]]);
      expectAbort(t, 'INVOCATION request 25 is out of sequence (expected 1)');
    });
  }

  it('lets one switch override strict: true (strict with checkRequestIds: false takes Nexus ids)', () => {
    const t = callee({ strict: true, checkRequestIds: false });
    t.router.send([68, 25, 100, {}, [1]]);
    expect(yields(t)).toEqual([[25, [2]]]);
    t.router.send([36, 77, 5, {}]);
    expectAbort(t, 'EVENT for subscription 77');
  });

  for (const options of [{}, { strict: true }, { checkRequestIds: false }]) {
    it(`refuses in every mode (${JSON.stringify(options)}) a duplicate INVOCATION id of an invocation still running`, () => {
      const t = open(options);
      t.session!.register('p', () => new Promise(() => undefined)).subscribe({ error: () => undefined });
      t.router.send([68, 1, 100, {}]);
      t.router.send([68, 1, 100, {}]);
      expectAbort(t, 'INVOCATION reuses request 1 of a running invocation');
    });
  }

  it('by default answers an INVOCATION for a registration it does not hold with no_such_registration', () => {
    const t = open();
    t.router.send([68, 1, 77, {}]);
    const error = t.router.receivedNamed('ERROR');
    expect(error).toEqual([[8, 68, 1, {}, 'wamp.error.no_such_registration']]);
    expect(t.session!.state).toBe('established');
  });

  it('by default drops a progressive RESULT for a call that did not ask for progress, then takes the final one', async () => {
    const t = open();
    t.router.on('CALL', (m) => [[50, m[1], { progress: true }, [1]], [50, m[1], {}, [2]]]);
    const results = await lastValueFrom(t.session!.call('p').pipe(toArray()));
    expect(results.map((r) => r.args)).toEqual([[2]]);
  });

  it('rejectStrayMessages: true alone refuses stray messages but takes Nexus ids', () => {
    const t = callee({ rejectStrayMessages: true });
    t.router.send([68, 25, 100, {}, [1]]);
    expect(yields(t)).toEqual([[25, [2]]]);
    t.router.send([50, 77, {}]);
    expectAbort(t, 'RESULT for CALL request 77, which is not pending');
  });

  function expectAbort(t: ReturnType<typeof open>, text: string): void {
    const abort = t.router.receivedNamed('ABORT');
    expect(abort.length).withContext('ABORT sent').toBe(1);
    expect(abort[0]![2]).toBe('wamp.error.protocol_violation');
    expect(String((abort[0]![1] as Dict)['message'])).toContain(text);
    expect(t.ended?.error).toBeInstanceOf(ProtocolViolation);
  }
});
