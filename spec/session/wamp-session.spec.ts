import { concat, EMPTY, firstValueFrom, lastValueFrom, Observable, of, throwError, toArray } from 'rxjs';
import type { ClientAuthMethod } from '../../src/client/auth/auth-method.js';
import { ProtocolViolation, WampError } from '../../src/protocol/errors.js';
import { createMessage } from '../../src/protocol/message.js';
import type { WampMessage } from '../../src/protocol/message.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { SessionClosedError } from '../../src/session/session-errors.js';
import { WampSession } from '../../src/session/wamp-session.js';
import { scriptedConnection } from '../support/scripted-router.js';
import type { ScriptedRouter } from '../support/scripted-router.js';
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

/** The JSON serializer, keeping every message it is given to encode as the session built it (before any codec drops a key). */
class RecordingJson extends JsonSerializer {
  readonly encoded: WampMessage[] = [];
  override encode(message: WampMessage): string {
    this.encoded.push(message);
    return super.encode(message);
  }
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
    // Exactly the features src/session implements: a router relies on each one it reads here.
    expect(roles).toEqual({
      publisher: { features: { publisher_identification: true, subscriber_blackwhite_listing: true, publisher_exclusion: true, payload_passthru_mode: true } },
      subscriber: { features: { publisher_identification: true, pattern_based_subscription: true, subscription_revocation: true, event_retention: true, payload_passthru_mode: true } },
      caller: { features: { caller_identification: true, call_canceling: true, call_timeout: true, progressive_call_results: true, progressive_call_invocations: true, payload_passthru_mode: true } },
      callee: {
        features: {
          caller_identification: true,
          pattern_based_registration: true,
          shared_registration: true,
          call_canceling: true,
          progressive_call_results: true,
          progressive_call_invocations: true,
          registration_revocation: true,
          payload_passthru_mode: true,
        },
      },
    });
    expect((hello[2] as Dict)['agent']).toMatch(/^rxwamp-\d/);
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
    const text = 'wampcra could not answer the challenge: no key';
    expect([(error as WampError).args, (error as WampError).details]).toEqual([[text], { message: text }]);
    expect(router.receivedNamed('ABORT')).toEqual([[3, { message: text }, 'wamp.error.authentication_failed']]);
  });

  it('picks the auth method the CHALLENGE names among several, and aborts a CHALLENGE for one it did not offer', async () => {
    const { transport, router } = scriptedConnection();
    const ticket: ClientAuthMethod = { method: 'ticket', respond: async () => ({ signature: 'ticket-sig' }) };
    const cra: ClientAuthMethod = { method: 'wampcra', respond: async () => ({ signature: 'cra-sig', extra: { e: 1 } }) };
    router.on('HELLO', () => [[4, 'wampcra', {}]]);
    router.on('AUTHENTICATE', (m, r) => [[2, r.sessionId, { roles: r.roles }]]);
    await firstValueFrom(WampSession.connect(transport, { realm: 'r', authmethods: [ticket, cra] }));
    expect(router.receivedNamed('AUTHENTICATE')).toEqual([[5, 'cra-sig', { e: 1 }]]);
    const other = scriptedConnection();
    other.router.on('HELLO', () => [[4, 'cryptosign', {}]]);
    const error = await firstValueFrom(WampSession.connect(other.transport, { realm: 'r', authmethods: [ticket] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolViolation);
    expect(other.router.receivedNamed('ABORT')).toEqual([[3, { message: 'CHALLENGE for authmethod cryptosign, which the client did not offer' }, 'wamp.error.protocol_violation']]);
  });

  it('treats role messages and GOODBYE before WELCOME as a protocol violation, also while authenticating', async () => {
    for (const [message, text] of [
      [[36, 1, 2, {}], 'EVENT before the session was established'],
      [[6, {}, 'wamp.close.normal'], 'GOODBYE before the session was established'],
    ] as const) {
      const { transport, router } = scriptedConnection();
      const slow: ClientAuthMethod = { method: 'ticket', respond: () => new Promise(() => undefined) };
      router.on('HELLO', () => [[4, 'ticket', {}], [...message]]);
      const error = await firstValueFrom(WampSession.connect(transport, { realm: 'r', authmethods: [slow] })).catch((e: unknown) => e);
      expect(error).withContext(text).toBeInstanceOf(ProtocolViolation);
      expect(router.receivedNamed('ABORT')).toEqual([[3, { message: text }, 'wamp.error.protocol_violation']]);
      expect(router.receivedNamed('GOODBYE')).withContext('no GOODBYE reply').toEqual([]);
    }
  });

  it('drops a challenge answer, or its failure, that comes after WELCOME: no AUTHENTICATE, no ABORT, the session stays up', async () => {
    for (const outcome of ['answers', 'fails'] as const) {
      const { transport, router } = scriptedConnection();
      let settle: { resolve: (r: { signature: string }) => void; reject: (e: Error) => void } | undefined;
      const answer = new Promise<{ signature: string }>((resolve, reject) => (settle = { resolve, reject }));
      const method: ClientAuthMethod = { method: 'ticket', respond: () => answer };
      // A router that welcomes the client without waiting for the AUTHENTICATE.
      router.on('HELLO', (_m, r) => [[4, 'ticket', {}], [2, r.sessionId, { roles: r.roles }]]);
      const session = await connected(transport, { realm: 'r', authmethods: [method] });
      if (outcome === 'answers') settle!.resolve({ signature: 'late' });
      else settle!.reject(new Error('late failure'));
      // The session's own callbacks on `answer` were attached first, so they have run once this resumes.
      await answer.catch(() => undefined);
      expect(router.received.map((m) => m[0])).withContext(outcome).toEqual([1]);
      expect(session.state).withContext(outcome).toBe('established');
    }
  });

  it('hands the serializer no key without a value: HELLO without authid or authextra, GOODBYE without a message', async () => {
    const plain = new RecordingJson();
    const t = scriptedConnection();
    const session = await connected(t.transport, { realm: 'r', serializer: plain });
    await session.close();
    const bare = { roles: (t.router.received[0]![2] as Dict)['roles'], agent: (t.router.received[0]![2] as Dict)['agent'] };
    expect(plain.encoded.map((m) => [m.name, m.toArray()[m.name === 'HELLO' ? 2 : 1]])).toEqual([
      ['HELLO', bare],
      ['GOODBYE', {}],
    ]);
    // An auth method without HELLO extras adds no authextra either.
    const withMethod = new RecordingJson();
    const u = scriptedConnection();
    await connected(u.transport, { realm: 'r', serializer: withMethod, authmethods: [{ method: 'ticket', respond: async () => ({ signature: 's' }) }] });
    expect(withMethod.encoded[0]!.toArray()[2]).toEqual({ ...bare, authmethods: ['ticket'] });
  });

  it('fails the session and the connection with payload_size_exceeded when even HELLO is too large for the transport', () => {
    const { transport, router } = scriptedConnection();
    Object.defineProperty(transport, 'maxOutgoingMessageSize', { value: 10 });
    let ended: { error?: unknown; complete?: boolean } | undefined;
    WampSession.connect(transport, { realm: 'r' }).subscribe({ error: (error: unknown) => (ended = { error }), complete: () => (ended = { complete: true }) });
    const error = ended?.error as WampError;
    expect(error).toBeInstanceOf(WampError);
    expect([error.uri, error.args]).toEqual(['wamp.error.payload_size_exceeded', [jasmine.stringMatching(/^HELLO of \d+ bytes exceeds the peer's limit of 10$/)]]);
    expect(router.received).toEqual([]);
    expect((router.ending?.error as Error).cause).toBe(error);
  });

  it('fails at once with protocol_violation on a transport whose serialization it does not know, and closes that transport', () => {
    const { transport, router } = scriptedConnection('wamp.2.nonsense');
    let error: unknown;
    WampSession.connect(transport, { realm: 'r' }).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toBeInstanceOf(WampError);
    expect([(error as WampError).uri, (error as WampError).args]).toEqual(['wamp.error.protocol_violation', ['unknown serialization wamp.2.nonsense']]);
    expect(router.received).toEqual([]);
    expect((router.ending?.error as Error).cause).toBe(error);
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

  it("ends pending calls with the router's GOODBYE reason and message, or a message of its own", () => {
    for (const [details, text] of [
      [{ message: 'shutting down' }, 'shutting down'],
      [{}, 'the router closed the session (wamp.close.system_shutdown)'],
    ] as const) {
      const t = open();
      let failure: unknown;
      t.session!.call('p').subscribe({ error: (e: unknown) => (failure = e) });
      t.router.send([6, details, 'wamp.close.system_shutdown']);
      expect(failure).toBeInstanceOf(SessionClosedError);
      expect([(failure as WampError).uri, (failure as WampError).args]).toEqual(['wamp.close.system_shutdown', [text]]);
      expect(t.router.closed).toBeTrue();
    }
  });

  it('close() with a message says it in GOODBYE.Details', async () => {
    const t = open();
    await t.session!.close('wamp.close.close_realm', 'leaving');
    expect(t.router.receivedNamed('GOODBYE')).toEqual([[6, { message: 'leaving' }, 'wamp.close.close_realm']]);
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

describe('WampSession subscriber', () => {
  it('hands each event its concrete topic, publisher and publication, and the subscribed topic when the router names none', async () => {
    const t = scriptedConnection();
    t.router.on('SUBSCRIBE', (m) => [
      [33, m[1], 5],
      [36, 5, 9, { topic: 'com.a.b', publisher: 77 }, ['x'], { k: 1 }],
      [36, 5, 10, {}, ['y']],
    ]);
    const session = await connected(t.transport, { realm: 'r' });
    const events: unknown[] = [];
    session.subscribe('com.a', { match: 'prefix' }).subscribe((e) => events.push(e));
    expect(events).toEqual([
      { args: ['x'], kwargs: { k: 1 }, details: { topic: 'com.a.b', publisher: 77 }, topic: 'com.a.b', publisher: 77, publication: 9 },
      { args: ['y'], kwargs: {}, details: {}, topic: 'com.a', publication: 10 },
    ]);
  });
});

describe('WampSession callee', () => {
  async function callee(handler: Parameters<WampSession['register']>[1]) {
    const t = scriptedConnection();
    t.router.on('REGISTER', (m) => [[65, m[1], 7]]);
    const session = await connected(t.transport, { realm: 'r' });
    session.register('p', handler).subscribe();
    return t.router;
  }

  it('answers a throwing handler with wamp.error.runtime_error and its message, and a failing stream likewise', async () => {
    const router = await callee((args) => {
      if (args[0] === 'throw') throw new Error('bad input');
      return throwError(() => new Error('stream broke'));
    });
    router.send([68, 1, 7, {}, ['throw']]);
    router.send([68, 2, 7, {}, ['stream']]);
    expect(router.receivedNamed('ERROR')).toEqual([
      [8, 68, 1, {}, 'wamp.error.runtime_error', ['bad input']],
      [8, 68, 2, {}, 'wamp.error.runtime_error', ['stream broke']],
    ]);
  });

  it('sends each value but the last as progress to a caller that takes progress, and the last as the result', async () => {
    const router = await callee(() => of(1, 2, 3));
    router.send([68, 1, 7, { receive_progress: true }, []]);
    router.send([68, 2, 7, {}, []]);
    expect(router.receivedNamed('YIELD')).toEqual([
      [70, 1, { progress: true }, [1]],
      [70, 1, { progress: true }, [2]],
      [70, 1, {}, [3]],
      [70, 2, {}, [3]],
    ]);
  });

  it('stops a running handler on INTERRUPT, answering wamp.error.canceled unless the mode is killnowait', async () => {
    let stopped = 0;
    const router = await callee(() => new Observable<number>(() => () => stopped++));
    router.send([68, 1, 7, {}, []]);
    router.send([68, 2, 7, {}, []]);
    router.send([69, 1, { mode: 'kill' }]);
    router.send([69, 2, { mode: 'killnowait' }]);
    router.send([69, 2, { mode: 'kill' }]);
    expect(stopped).toBe(2);
    expect(router.receivedNamed('ERROR')).toEqual([[8, 68, 1, {}, 'wamp.error.canceled']]);
  });

  it('stops a handler the INTERRUPT reaches while it is being subscribed, and sends nothing after the ERROR', async () => {
    for (const ending of ['runs on', 'completes', 'fails'] as const) {
      let stopped = 0;
      let router: ScriptedRouter | undefined;
      router = await callee(
        () =>
          new Observable<number>((subscriber) => {
            router!.send([69, 1, { mode: 'kill' }]); // the loopback delivers it at once, inside this subscribe
            subscriber.next(1);
            if (ending === 'completes') subscriber.complete();
            if (ending === 'fails') subscriber.error(new Error('late failure'));
            return () => stopped++;
          }),
      );
      router.send([68, 1, 7, {}, []]);
      expect(router.receivedNamed('ERROR')).withContext(ending).toEqual([[8, 68, 1, {}, 'wamp.error.canceled']]);
      expect(router.receivedNamed('YIELD')).withContext(ending).toEqual([]);
      expect(stopped).withContext(ending).toBe(1);
    }
  });

  it('answers a handler that returns nothing with a YIELD without arguments, and a value as its one argument', async () => {
    const router = await callee((args) => (args[0] === 'nothing' ? undefined : args[0]));
    router.send([68, 1, 7, {}, ['nothing']]);
    router.send([68, 2, 7, {}, [5]]);
    expect(router.receivedNamed('YIELD')).toEqual([[70, 1, {}], [70, 2, {}, [5]]]);
  });

  it('ends a progressive call invocation whose later chunk cannot be read with one invalid_payload ERROR, and stops its handler', async () => {
    let stopped = 0;
    const chunks: string[] = [];
    const router = await callee((_args, _kwargs, details) => {
      details.chunks$!.subscribe({ next: (c) => chunks.push(String(c.args[0])), complete: () => chunks.push('complete') });
      return new Observable<number>(() => () => stopped++);
    });
    router.send([68, 1, 7, { progress: true }, ['first']]);
    router.send([68, 1, 7, { progress: true }, ['second']]);
    // A json payload must be bytes or text: 5 cannot be read.
    router.send([68, 1, 7, { progress: true, ppt_scheme: 'x_custom', ppt_serializer: 'json' }, [5]]);
    // killnowait: no wamp.error.canceled besides the ERROR that says why.
    expect(router.receivedNamed('ERROR')).toEqual([[8, 68, 1, {}, 'wamp.error.invalid_payload', ['a json payload must be binary']]]);
    expect(chunks).toEqual(['second', 'complete']);
    expect(stopped).toBe(1);
  });

  it('answers a result too large to send with payload_size_exceeded, ends the call and stops the handler at a progressive result too large, and answers an error too large with runtime_error', async () => {
    const t = scriptedConnection();
    t.router.on('REGISTER', (m) => [[65, m[1], 7]]);
    const session = await connected(t.transport, { realm: 'r' });
    const big = 'x'.repeat(200);
    let stopped = 0;
    let emit: (value: string) => void = () => undefined;
    session
      .register('p', (args) => {
        if (args[0] === 'result') return big;
        if (args[0] === 'progress') return concat(of('first', big, 'small', 'last'), new Observable<string>(() => () => stopped++));
        if (args[0] === 'later') {
          return new Observable<string>((subscriber) => {
            emit = (value) => subscriber.next(value);
            return () => stopped++;
          });
        }
        throw new Error(big);
      })
      .subscribe();
    const limit = 150;
    Object.defineProperty(t.transport, 'maxOutgoingMessageSize', { value: limit });
    t.router.send([68, 1, 7, {}, ['result']]);
    t.router.send([68, 2, 7, { receive_progress: true }, ['progress']]);
    t.router.send([68, 3, 7, {}, ['error']]);
    const yieldSize = JSON.stringify([70, 1, {}, [big]]).length;
    const progressSize = JSON.stringify([70, 2, { progress: true }, [big]]).length;
    expect(t.router.receivedNamed('ERROR')).toEqual([
      [8, 68, 1, {}, 'wamp.error.payload_size_exceeded', [`YIELD of ${yieldSize} bytes exceeds the peer's limit of ${limit}`]],
      [8, 68, 2, {}, 'wamp.error.payload_size_exceeded', [`YIELD of ${progressSize} bytes exceeds the peer's limit of ${limit}`]],
      [8, 68, 3, {}, 'wamp.error.runtime_error', ['the error could not be serialized']],
    ]);
    // The caller must not miss a part unknowingly: the call ends at the part too large, nothing after it is sent.
    expect(t.router.receivedNamed('YIELD')).toEqual([[70, 2, { progress: true }, ['first']]]);
    expect(stopped).withContext('the handler was stopped').toBe(1);
    expect(session.internalSize()).withContext('only the registration is left').toBe(1);
    // The same for a handler whose parts come later (its subscription is stored by then).
    t.router.send([68, 4, 7, { receive_progress: true }, ['later']]);
    emit('first');
    emit(big);
    emit('small');
    const laterSize = JSON.stringify([70, 4, { progress: true }, [big]]).length;
    expect(t.router.receivedNamed('ERROR').slice(3)).toEqual([[8, 68, 4, {}, 'wamp.error.payload_size_exceeded', [`YIELD of ${laterSize} bytes exceeds the peer's limit of ${limit}`]]]);
    expect(t.router.receivedNamed('YIELD').slice(1)).toEqual([[70, 4, { progress: true }, ['first']]]);
    expect(stopped).toBe(2);
    expect(session.internalSize()).toBe(1);
  });

  it('stops running handlers and completes the chunks of a progressive call invocation when the connection is lost', async () => {
    const t = scriptedConnection();
    t.router.on('REGISTER', (m) => [[65, m[1], 7]]);
    const session = await connected(t.transport, { realm: 'r' });
    let stopped = 0;
    const chunks: string[] = [];
    session
      .register('p', (_args, _kwargs, details) => {
        details.chunks$?.subscribe({ complete: () => chunks.push('complete') });
        return new Observable<number>(() => () => stopped++);
      })
      .subscribe({ error: () => undefined });
    t.router.send([68, 1, 7, {}, []]);
    t.router.send([68, 2, 7, { progress: true }, []]);
    expect(session.internalSize()).withContext('one registration, two running invocations').toBe(3);
    t.router.drop();
    expect(stopped).toBe(2);
    expect(chunks).toEqual(['complete']);
    expect(session.internalSize()).toBe(0);
  });
});

describe('WampSession caller and publisher', () => {
  it('cancels a call its subscriber leaves with CANCEL killnowait, or the cancelMode asked for, and drops the late answer', async () => {
    const t = scriptedConnection();
    const session = await connected(t.transport, { realm: 'r' });
    session.call('p').subscribe().unsubscribe();
    session.call('p', [], {}, { cancelMode: 'kill' }).subscribe().unsubscribe();
    expect(t.router.receivedNamed('CANCEL')).toEqual([
      [49, 1, { mode: 'killnowait' }],
      [49, 2, { mode: 'kill' }],
    ]);
    // cancelMode is the client's own option: it never goes on the wire.
    expect(t.router.receivedNamed('CALL').map((m) => m[2])).toEqual([{}, {}]);
    const pending = session.call('p').subscribe();
    expect(session.internalSize()).withContext('one pending call and two abandoned').toBe(3);
    pending.unsubscribe();
    t.router.send([49 + 1, 3, {}, ['late too']]);
    t.router.send([8, 48, 1, {}, 'wamp.error.canceled']);
    t.router.send([50, 2, {}, ['late']]);
    expect(t.router.receivedNamed('ABORT')).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('sends no CANCEL to a router without call canceling', async () => {
    const t = scriptedConnection();
    t.router.roles = { broker: {}, dealer: {} };
    const session = await connected(t.transport, { realm: 'r' });
    session.call('p').subscribe().unsubscribe();
    expect(t.router.receivedNamed('CANCEL')).toEqual([]);
  });

  it('fails a call whose Observable arguments fail', async () => {
    const t = scriptedConnection();
    const session = await connected(t.transport, { realm: 'r' });
    const error = await lastValueFrom(session.call('p', throwError(() => new Error('no more chunks')))).catch((e: unknown) => e);
    expect((error as Error).message).toBe('no more chunks');
  });

  it('sends one CALL per value of Observable arguments, progressive but the last, and one final CALL without arguments for an empty Observable', async () => {
    const t = scriptedConnection();
    t.router.on('CALL', () => []); // the calls stay pending
    const session = await connected(t.transport, { realm: 'r' });
    session.call('p', of(['a'], ['b'])).subscribe();
    session.call('q', EMPTY).subscribe();
    expect(t.router.receivedNamed('CALL')).toEqual([
      [48, 1, { progress: true }, 'p', ['a']],
      [48, 1, {}, 'p', ['b']],
      [48, 2, {}, 'q'], // empty Arguments are left out
    ]);
  });

  it('fails a call whose RESULT or ERROR payload cannot be read with invalid_payload, and CANCELs (killnowait) only the call that would send more', async () => {
    const t = scriptedConnection();
    t.router.on('CALL', () => []); // answered by hand
    t.router.on('CANCEL', () => []);
    const session = await connected(t.transport, { realm: 'r', strict: true });
    // A json payload must be bytes or text: 5 cannot be read.
    const unreadable = { ppt_scheme: 'x_custom', ppt_serializer: 'json' };
    const errors: unknown[] = [];
    const failures = { error: (e: unknown) => errors.push(e) };
    session.call('progressive', [], {}, { receive_progress: true }).subscribe(failures);
    session.call('final').subscribe(failures);
    session.call('error').subscribe(failures);
    t.router.send([50, 1, { ...unreadable, progress: true }, [5]]);
    t.router.send([50, 2, unreadable, [5]]);
    t.router.send([8, 48, 3, unreadable, 'app.failed', [5]]);
    const invalid = ['PayloadError', 'wamp.error.invalid_payload', ['a json payload must be binary']];
    expect(errors.map((e) => [(e as WampError).name, (e as WampError).uri, (e as WampError).args])).toEqual([invalid, invalid, invalid]);
    expect(t.router.receivedNamed('CANCEL')).toEqual([[49, 1, { mode: 'killnowait' }]]);
    expect(session.internalSize()).withContext('the canceled call, until its final answer').toBe(1);
    // The canceled call's final answer is expected: no stray, even with strict on.
    t.router.send([50, 1, {}, ['late']]);
    expect(t.router.receivedNamed('ABORT')).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('drops a late PUBLISHED for a publication its subscriber left, passes an ERROR on, and fails the pending ones when the session ends', async () => {
    const t = scriptedConnection();
    t.router.on('PUBLISH', () => []); // the spec answers by hand
    const session = await connected(t.transport, { realm: 'r' });
    const left = session.publish('t', [], {}, { acknowledge: true }).subscribe();
    const [published] = t.router.receivedNamed('PUBLISH');
    expect(published).toEqual([16, jasmine.any(Number), { acknowledge: true }, 't']);
    expect(session.internalSize()).withContext('one awaited acknowledgement').toBe(1);
    left.unsubscribe();
    expect(session.internalSize()).withContext('one abandoned acknowledgement').toBe(1);
    t.router.send([17, published![1], 5]);
    expect(t.router.receivedNamed('ABORT')).toEqual([]);
    const refused = lastValueFrom(session.publish('t', [], {}, { acknowledge: true })).catch((e: unknown) => e);
    t.router.send([8, 16, t.router.receivedNamed('PUBLISH')[1]![1], {}, 'wamp.error.not_authorized', ['no']]);
    expect([((await refused) as WampError).uri, ((await refused) as WampError).args]).toEqual(['wamp.error.not_authorized', ['no']]);
    const pending = lastValueFrom(session.publish('t', [], {}, { acknowledge: true })).catch((e: unknown) => e);
    t.router.drop();
    expect(((await pending) as WampError).uri).toBe('wamp.error.network_failure');
    expect(session.internalSize()).toBe(0);
  });
});

describe('WampSession ending', () => {
  it('refuses requests while closing and once closed, saying so', async () => {
    const t = scriptedConnection();
    t.router.on('GOODBYE', () => []); // the router takes its time to answer
    const session = await connected(t.transport, { realm: 'r' });
    void session.close();
    const closing = await lastValueFrom(session.call('p')).catch((e: unknown) => e);
    expect([(closing as WampError).uri, (closing as WampError).args]).toEqual(['wamp.error.unavailable', ['the session is closing']]);
    t.router.send([6, {}, 'wamp.close.goodbye_and_out']);
    const closed = await lastValueFrom(session.publish('t')).catch((e: unknown) => e);
    expect([(closed as WampError).uri, (closed as WampError).args]).toEqual(['wamp.error.unavailable', ['the session is closed']]);
  });

  it('sends nothing after its GOODBYE: no YIELD or ERROR for an INVOCATION, no CANCEL for a call left, no UNREGISTER for a registration left', async () => {
    const t = scriptedConnection();
    t.router.on('GOODBYE', () => []); // the router takes its time to answer
    t.router.on('CALL', () => []);
    t.router.on('REGISTER', (m) => [[65, m[1], m[3] === 'fails' ? 8 : 7]]);
    const session = await connected(t.transport, { realm: 'r' });
    const registration = session.register('p', () => 1).subscribe();
    session.register('fails', () => {
      throw new Error('no');
    }).subscribe();
    const call = session.call('q').subscribe();
    void session.close();
    const [goodbye] = t.router.received.slice(-1);
    expect(goodbye).toEqual([6, {}, 'wamp.close.normal']);
    const sent = t.router.received.length;
    t.router.send([68, 1, 7, {}, []]);
    t.router.send([68, 2, 8, {}, []]);
    call.unsubscribe();
    registration.unsubscribe();
    expect(t.router.received.slice(sent)).toEqual([]);
    expect(session.internalSize()).withContext('the registration still held').toBe(1);
    t.router.send([6, {}, 'wamp.close.goodbye_and_out']);
    expect(session.internalSize()).toBe(0);
  });

  it('completes messages$ on a clean close and errors it when the connection is lost', async () => {
    const ends: string[] = [];
    for (const how of ['close', 'drop'] as const) {
      const t = scriptedConnection();
      const session = await connected(t.transport, { realm: 'r' });
      session.messages$.subscribe({ complete: () => ends.push(`${how}: complete`), error: (e: unknown) => ends.push(`${how}: ${(e as WampError).uri} ${String((e as WampError).args[0])}`) });
      if (how === 'close') await session.close();
      else t.router.drop();
    }
    expect(ends).toEqual(['close: complete', 'drop: wamp.error.network_failure the connection failed: peer closed the connection: router dropped the connection']);
  });

  it('disposes the session when its connect Observable is unsubscribed: pending requests, streams and messages$ fail and the transport closes', () => {
    const { transport, router } = scriptedConnection();
    let session: WampSession | undefined;
    const lifecycle = WampSession.connect(transport, { realm: 'r' }).subscribe((s) => (session = s));
    let failure: unknown;
    session!.call('p').subscribe({ error: (e: unknown) => (failure = e) });
    const streams: unknown[] = [];
    session!.subscribe('t').subscribe({ error: (e: unknown) => streams.push(e), complete: () => streams.push('subscription completed') });
    session!.messages$.subscribe({ error: (e: unknown) => streams.push(e), complete: () => streams.push('messages$ completed') });
    lifecycle.unsubscribe();
    expect([(failure as WampError).uri, (failure as WampError).args]).toEqual(['wamp.error.network_failure', ['the session was disposed']]);
    // A dispose is not a clean end: the streams fail with the same error rather than complete.
    expect(streams).toEqual([failure, failure]);
    expect(session!.state).toBe('closed');
    expect(router.closed).toBeTrue();
  });

  it('sends nothing after its GOODBYE while closing: no YIELD for a handler that ends then, no CANCEL for a call left then', async () => {
    const t = scriptedConnection();
    t.router.on('GOODBYE', () => []); // the router takes its time to answer
    t.router.on('REGISTER', (m) => [[65, m[1], 7]]);
    const session = await connected(t.transport, { realm: 'r' });
    let finish: ((value: string) => void) | undefined;
    session.register('p', () => new Promise<string>((resolve) => (finish = resolve))).subscribe();
    t.router.send([68, 1, 7, {}, []]);
    const call = session.call('q').subscribe();
    void session.close();
    finish!('done');
    await Promise.resolve(); // the handler's Promise settles into the callee role
    call.unsubscribe();
    expect(t.router.received.map((m) => m[0])).toEqual([1, 64, 48, 6]);
  });

  it("fails the session with the error of a serializer that cannot decode a frame (the codec's fault, not the peer's): no ABORT", async () => {
    const broken = new Error('codec bug');
    class FailingJson extends JsonSerializer {
      override decode(frame: string | Uint8Array): WampMessage {
        if (frame === 'boom') throw broken;
        return super.decode(frame);
      }
    }
    const t = scriptedConnection();
    let ended: { error?: unknown; complete?: boolean } | undefined;
    WampSession.connect(t.transport, { realm: 'r', serializer: new FailingJson() }).subscribe({ error: (error: unknown) => (ended = { error }), complete: () => (ended = { complete: true }) });
    t.router.sendFrame('boom');
    expect(ended).toEqual({ error: broken });
    expect(t.router.receivedNamed('ABORT')).toEqual([]);
    expect((t.router.ending?.error as Error).cause).toBe(broken);
  });

  it('gives up at once on a connection that ended before the session started: no HELLO, no auth method asked', () => {
    const { transport, router } = scriptedConnection();
    router.drop();
    let asked = 0;
    const method: ClientAuthMethod = {
      method: 'ticket',
      helloExtra: () => {
        asked++;
        return {};
      },
      respond: async () => ({ signature: 's' }),
    };
    let error: unknown;
    WampSession.connect(transport, { realm: 'r', authmethods: [method] }).subscribe({ error: (e: unknown) => (error = e) });
    expect((error as WampError).uri).toBe('wamp.error.network_failure');
    expect(asked).toBe(0);
    expect(router.received).toEqual([]);
  });

  it('close() while closing sends no second GOODBYE and returns the same promise, which the reply resolves', async () => {
    const t = open();
    t.router.on('GOODBYE', () => []); // the router takes its time to answer
    const first = t.session!.close();
    const second = t.session!.close('wamp.close.close_realm');
    expect(second).toBe(first);
    expect(t.router.receivedNamed('GOODBYE')).toEqual([[6, {}, 'wamp.close.normal']]);
    expect(t.session!.state).toBe('closing');
    t.router.send([6, {}, 'wamp.close.goodbye_and_out']);
    await first;
    expect(t.ended).toEqual({ complete: true });
  });

  it('close() after the connection was lost resolves at once and sends nothing', async () => {
    const t = open();
    t.router.drop();
    const sent = t.router.received.length;
    await t.session!.close();
    expect(t.router.received.length).toBe(sent);
    expect(t.session!.state).toBe('closed');
    expect((t.ended?.error as WampError).uri).toBe('wamp.error.network_failure');
  });

  it('takes the end of the connection while closing as the clean end of the session', async () => {
    const t = open();
    t.router.on('GOODBYE', () => []);
    const closing = t.session!.close();
    t.router.hangUp(); // no GOODBYE back, the connection just ends
    await closing;
    expect(t.ended).toEqual({ complete: true });
  });

  it('fails the session when the connection ends cleanly but unasked, without GOODBYE', () => {
    const t = open();
    let failure: unknown;
    t.session!.call('p').subscribe({ error: (e: unknown) => (failure = e) });
    t.router.hangUp();
    expect(t.ended?.error).toBeInstanceOf(SessionClosedError);
    expect([(t.ended?.error as WampError).uri, (t.ended?.error as WampError).args]).toEqual(['wamp.error.network_failure', ['the connection closed']]);
    expect(failure).toBe(t.ended?.error);
  });

  it('complete() (the Observer side) closes with a GOODBYE exchange, like close()', () => {
    const t = open();
    t.session!.complete();
    expect(t.router.receivedNamed('GOODBYE')).toEqual([[6, {}, 'wamp.close.normal']]);
    expect(t.ended).toEqual({ complete: true });
    expect(t.router.ending).toEqual({});
  });

  it('error() (the Observer side) fails the session, its requests and streams, and closes the connection', () => {
    for (const [reason, text] of [
      [new Error('boom'), 'the session was failed locally: boom'],
      ['plain words', 'the session was failed locally: plain words'],
    ] as const) {
      const t = open();
      const seen: unknown[] = [];
      t.session!.call('p').subscribe({ error: (e: unknown) => seen.push(e) });
      t.session!.subscribe('t').subscribe({ error: (e: unknown) => seen.push(e) });
      t.session!.messages$.subscribe({ error: (e: unknown) => seen.push(e) });
      t.session!.error(reason);
      const failure = t.ended?.error as SessionClosedError;
      expect(failure).toBeInstanceOf(SessionClosedError);
      expect([failure.uri, failure.args, failure.cause]).toEqual(['wamp.error.network_failure', [text], reason]);
      expect(seen).toEqual([failure, failure, failure]);
      expect(t.router.receivedNamed('GOODBYE')).toEqual([]);
      expect(t.router.ending).toEqual({});
      expect(t.session!.state).toBe('closed');
    }
  });

  it('next() (the Observer side) sends a message as it is, and drops it once the session is closed', async () => {
    const t = scriptedConnection();
    const session = await connected(t.transport, { realm: 'r' });
    session.next(createMessage('PUBLISH', { Request: 9, Options: {}, Topic: 'as.is', Arguments: [1] }));
    expect(t.router.receivedNamed('PUBLISH')).toEqual([[16, 9, {}, 'as.is', [1]]]);
    await session.close();
    // Too large for the transport: a closed session drops it before trying to send (which throws).
    Object.defineProperty(t.transport, 'maxOutgoingMessageSize', { value: 1 });
    expect(() => session.next(createMessage('PUBLISH', { Request: 10, Options: {}, Topic: 'as.is' }))).not.toThrow();
    expect(t.router.receivedNamed('PUBLISH').length).toBe(1);
  });

  it('closes the connection with the reason of a protocol violation, and cleanly after a GOODBYE exchange', async () => {
    const t = open();
    t.router.send([1, 'realm1', {}]); // HELLO is never sent to a client
    expect((t.router.ending?.error as Error).message).toContain('HELLO is a message a router never sends to a client');
    const u = open();
    await u.session!.close();
    expect(u.router.ending).toEqual({});
  });

  it('reads the router roles from WELCOME, and none when WELCOME has none or null', async () => {
    const t = scriptedConnection();
    t.router.on('HELLO', () => [[2, 1, { authrole: 'anonymous' }]]);
    const session = await connected(t.transport, { realm: 'r', requireRouterFeatures: false });
    expect(session.routerRoles).toEqual({});
    const nil = scriptedConnection();
    nil.router.on('HELLO', () => [[2, 1, { roles: null, authrole: 'anonymous' }]]);
    // The decoder drops a null key, so roles: null is no roles.
    expect((await connected(nil.transport, { realm: 'r', requireRouterFeatures: false })).routerRoles).withContext('roles: null').toEqual({});
    const u = scriptedConnection();
    u.router.roles = { broker: { features: { x: true } } };
    expect((await connected(u.transport, { realm: 'r' })).routerRoles).toEqual({ broker: { features: { x: true } } });
  });
});

describe('WampSession subscriptions shared by the router', () => {
  async function withHeldAnswers() {
    const t = scriptedConnection();
    t.router.on('SUBSCRIBE', () => []); // answered by hand
    t.router.on('UNSUBSCRIBE', () => []);
    const session = await connected(t.transport, { realm: 'r' });
    return { router: t.router, session };
  }

  it('unsubscribes only when the last local subscriber of a router subscription leaves, and drops events while it drains', async () => {
    const { router, session } = await withHeldAnswers();
    const ends: string[] = [];
    // Different options: two SUBSCRIBEs, which the router answers with one subscription.
    const events: string[] = [];
    const first = session.subscribe('t').subscribe({ next: (e) => events.push(`first: ${String(e.args[0])}`), complete: () => ends.push('first') });
    const second = session.subscribe('t', { get_retained: false }).subscribe({ next: (e) => events.push(`second: ${String(e.args[0])}`), complete: () => ends.push('second') });
    const [s1, s2] = router.receivedNamed('SUBSCRIBE');
    expect(session.internalSize()).withContext('two pending SUBSCRIBEs, two shared entries').toBe(4);
    router.send([33, s1![1], 5]);
    router.send([33, s2![1], 5]);
    expect(session.internalSize()).withContext('one subscription, two shared entries').toBe(3);
    // The router sends one EVENT per subscription: both local subscribers get it.
    router.send([36, 5, 1, {}, ['both']]);
    expect(events).toEqual(['first: both', 'second: both']);
    first.unsubscribe();
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([]);
    second.unsubscribe();
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([[34, jasmine.any(Number), 5]]);
    expect(session.internalSize()).withContext('one UNSUBSCRIBE pending, one subscription draining').toBe(2);
    router.send([36, 5, 2, {}, ['late']]);
    expect(router.receivedNamed('ABORT')).toEqual([]);
    expect(ends).toEqual([]);
    expect(events).toEqual(['first: both', 'second: both']);
  });

  it('unsubscribes a subscription its subscriber left before SUBSCRIBED, unless another subscriber holds it', async () => {
    const { router, session } = await withHeldAnswers();
    const kept = session.subscribe('t').subscribe();
    session.subscribe('t', { get_retained: false }).subscribe().unsubscribe();
    const [s1, s2] = router.receivedNamed('SUBSCRIBE');
    router.send([33, s1![1], 5]);
    router.send([33, s2![1], 5]);
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([]);
    session.subscribe('u').subscribe().unsubscribe();
    router.send([33, router.receivedNamed('SUBSCRIBE')[2]![1], 6]);
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([[34, jasmine.any(Number), 6]]);
    kept.unsubscribe();
  });

  it('completes the subscribers of a subscription the router revoked', async () => {
    const { router, session } = await withHeldAnswers();
    const ends: string[] = [];
    session.subscribe('t').subscribe({ complete: () => ends.push('t') });
    session.subscribe('u').subscribe({ complete: () => ends.push('u') });
    const [s1, s2] = router.receivedNamed('SUBSCRIBE');
    router.send([33, s1![1], 5]);
    router.send([33, s2![1], 6]);
    router.send([35, 0, { subscription: 5, reason: 'wamp.error.revoked' }]);
    expect(ends).toEqual(['t']);
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([]);
  });

  it('completes subscriptions on a clean close and errors them when the connection is lost', async () => {
    const ends: string[] = [];
    for (const how of ['close', 'drop'] as const) {
      const t = scriptedConnection();
      const session = await connected(t.transport, { realm: 'r' });
      session.subscribe('t').subscribe({ complete: () => ends.push(`${how}: complete`), error: (e: unknown) => ends.push(`${how}: ${(e as WampError).uri}`) });
      if (how === 'close') await session.close();
      else t.router.drop();
    }
    expect(ends).toEqual(['close: complete', 'drop: wamp.error.network_failure']);
  });
});

describe('WampSession registrations', () => {
  async function withHeldAnswers(options: { checkRequestIds?: boolean; strict?: boolean } = {}) {
    const t = scriptedConnection();
    t.router.on('REGISTER', () => []); // answered by hand
    t.router.on('UNREGISTER', () => []);
    const session = await connected(t.transport, { realm: 'r', ...options });
    return { router: t.router, session };
  }

  it('unregisters a registration its subscriber left before REGISTERED, and answers its late INVOCATION with no_such_registration (a draining registration: no stray, even strict)', async () => {
    for (const options of [{}, { strict: true }]) {
      const { router, session } = await withHeldAnswers(options);
      session.register('p', () => 1).subscribe().unsubscribe();
      router.send([65, router.receivedNamed('REGISTER')[0]![1], 7]);
      expect(router.receivedNamed('UNREGISTER')).withContext(JSON.stringify(options)).toEqual([[66, jasmine.any(Number), 7]]);
      expect(session.internalSize()).withContext('the UNREGISTER in flight and its draining registration').toBe(2);
      router.send([68, 1, 7, {}, []]);
      expect(router.receivedNamed('ERROR')).withContext(JSON.stringify(options)).toEqual([[8, 68, 1, {}, 'wamp.error.no_such_registration']]);
      expect(router.receivedNamed('ABORT')).withContext(JSON.stringify(options)).toEqual([]);
      router.send([67, router.receivedNamed('UNREGISTER')[0]![1]]);
      expect(session.internalSize()).withContext(JSON.stringify(options)).toBe(0);
    }
  });

  it('completes a registration the router revoked', async () => {
    const { router, session } = await withHeldAnswers();
    const ends: string[] = [];
    session.register('p', () => 1).subscribe({ complete: () => ends.push('p') });
    session.register('q', () => 1).subscribe({ complete: () => ends.push('q') });
    const [r1, r2] = router.receivedNamed('REGISTER');
    router.send([65, r1![1], 7]);
    router.send([65, r2![1], 8]);
    router.send([67, 0, { registration: 7, reason: 'wamp.error.revoked' }]);
    expect(ends).toEqual(['p']);
    // The router ended it: nothing to UNREGISTER.
    expect(router.receivedNamed('UNREGISTER')).toEqual([]);
    expect(session.internalSize()).withContext('registration q').toBe(1);
  });

  it('completes registrations on a clean close and errors them when the connection is lost; a REGISTER still pending fails either way', async () => {
    const ends: string[] = [];
    for (const how of ['close', 'drop'] as const) {
      const { router, session } = await withHeldAnswers();
      const report = (name: string) => ({ complete: () => ends.push(`${how} ${name}: complete`), error: (e: unknown) => ends.push(`${how} ${name}: ${(e as WampError).uri}`) });
      session.register('p', () => 1).subscribe(report('registered'));
      session.register('q', () => 1).subscribe(report('pending'));
      router.send([65, router.receivedNamed('REGISTER')[0]![1], 7]);
      if (how === 'close') await session.close();
      else router.drop();
    }
    expect(ends).toEqual([
      'close pending: wamp.close.goodbye_and_out',
      'close registered: complete',
      'drop pending: wamp.error.network_failure',
      'drop registered: wamp.error.network_failure',
    ]);
  });

  it('with strict on, aborts an INVOCATION out of sequence or for a registration it never held, unless told not to check ids', async () => {
    const { router, session } = await withHeldAnswers({ strict: true });
    const ended: unknown[] = [];
    session.register('p', () => 1).subscribe({ error: (e: unknown) => ended.push(e) });
    router.send([65, router.receivedNamed('REGISTER')[0]![1], 7]);
    router.send([68, 2, 7, {}, []]);
    expect(ended.length).toBe(1);
    expect(router.receivedNamed('ABORT')).toEqual([[3, { message: 'INVOCATION request 2 is out of sequence (expected 1)' }, 'wamp.error.protocol_violation']]);
    const lax = await withHeldAnswers({ strict: true, checkRequestIds: false });
    lax.session.register('p', () => 1).subscribe({ error: (e: unknown) => ended.push(e) });
    lax.router.send([65, lax.router.receivedNamed('REGISTER')[0]![1], 7]);
    lax.router.send([68, 2, 7, {}, []]);
    expect(lax.router.receivedNamed('YIELD')).toEqual([[70, 2, {}, [1]]]);
    lax.router.send([68, 3, 99, {}, []]);
    expect(lax.router.receivedNamed('ABORT')).toEqual([[3, { message: 'INVOCATION for registration 99, which this session does not hold' }, 'wamp.error.protocol_violation']]);
  });
});

describe('WampSession outgoing size', () => {
  it("refuses a message larger than the transport's limit with payload_size_exceeded, and sends one that fits exactly", async () => {
    const t = scriptedConnection();
    const fits = JSON.stringify([48, 1, {}, 'p', ['abc']]).length;
    t.router.on('CALL', (m) => [[50, m[1], {}, ['ok']]]);
    const session = await connected(t.transport, { realm: 'r' });
    Object.defineProperty(t.transport, 'maxOutgoingMessageSize', { value: fits });
    expect((await lastValueFrom(session.call('p', ['abc']))).args).toEqual(['ok']);
    const error = await lastValueFrom(session.call('p', ['abcd'])).catch((e: unknown) => e);
    expect([(error as WampError).uri, (error as WampError).args]).toEqual(['wamp.error.payload_size_exceeded', [`CALL of ${fits + 1} bytes exceeds the peer's limit of ${fits}`]]);
    // A REGISTER that does not fit fails its subscriber at once and leaves nothing pending.
    let refused: unknown;
    const procedure = 'p'.repeat(fits);
    session.register(procedure, () => 1).subscribe({ error: (e: unknown) => (refused = e) });
    const registerSize = JSON.stringify([64, 3, {}, procedure]).length;
    expect([(refused as WampError).uri, (refused as WampError).args]).toEqual(['wamp.error.payload_size_exceeded', [`REGISTER of ${registerSize} bytes exceeds the peer's limit of ${fits}`]]);
    expect(session.internalSize()).toBe(0);
    expect(session.state).toBe('established');
  });
});

describe('WampSession requireRouterFeatures', () => {
  // [what, use, the feature it needs, the options that must go on the wire when allowed, how the refusal names the use]
  const cases: Array<[string, (s: WampSession) => Observable<unknown>, string, Dict, string]> = [
    ['a progressive call', (s) => s.call('p', [], {}, { receive_progress: true }), 'progressive_call_results', { receive_progress: true }, 'a call with receive_progress'],
    ['a call timeout', (s) => s.call('p', [], {}, { timeout: 10 }), 'call_timeout', { timeout: 10 }, 'a call with a timeout'],
    ['a disclosed call', (s) => s.call('p', [], {}, { disclose_me: true }), 'caller_identification', { disclose_me: true }, 'a call with disclose_me'],
    ['a streamed call', (s) => s.call('p', of([1])), 'progressive_call_invocations', {}, 'a call with Observable arguments'],
    ['a pattern subscription', (s) => s.subscribe('a.', { match: 'prefix' }), 'pattern_based_subscription', { match: 'prefix' }, 'subscribing with match: prefix'],
    ['a retained subscription', (s) => s.subscribe('a', { get_retained: true }), 'event_retention', { get_retained: true }, 'subscribing with get_retained'],
    ['a shared registration', (s) => s.register('p', () => 1, { invoke: 'roundrobin' }), 'shared_registration', { invoke: 'roundrobin' }, 'registering with invoke: roundrobin'],
    ['a pattern registration', (s) => s.register('p.', () => 1, { match: 'prefix' }), 'pattern_based_registration', { match: 'prefix' }, 'registering with match: prefix'],
    ['a caller-disclosing registration', (s) => s.register('p', () => 1, { disclose_caller: true }), 'caller_identification', { disclose_caller: true }, 'registering with disclose_caller'],
    // The caller fills in the serializer (native), so the callee never has to guess it.
    ['a passthru call', (s) => s.call('p', ['a'], {}, { ppt_scheme: 'x_custom' }), 'payload_passthru_mode', { ppt_scheme: 'x_custom', ppt_serializer: 'native' }, 'a call in payload passthru mode (ppt_scheme)'],
    ['a registration with passthru results', (s) => s.register('p', () => 1, { ppt_scheme: 'x_custom' }), 'payload_passthru_mode', {}, 'registering with payload passthru results (ppt_scheme)'],
    ['publisher exclusion', (s) => s.publish('t', [], {}, { exclude_me: false }), 'publisher_exclusion', { exclude_me: false }, 'publishing with exclude_me: false'],
    ['publisher identification', (s) => s.publish('t', [], {}, { disclose_me: true }), 'publisher_identification', { disclose_me: true }, 'publishing with disclose_me'],
    ['a retained publication', (s) => s.publish('t', [], {}, { retain: true }), 'event_retention', { retain: true }, 'publishing with retain'],
    ['black/white listing', (s) => s.publish('t', [], {}, { eligible: [1] }), 'subscriber_blackwhite_listing', { eligible: [1] }, 'publishing with eligible'],
    ['black/white listing by authrole', (s) => s.publish('t', [], {}, { exclude_authrole: ['x'] }), 'subscriber_blackwhite_listing', { exclude_authrole: ['x'] }, 'publishing with exclude_authrole'],
    ['a payload passthru publication', (s) => s.publish('t', ['a'], {}, { ppt_scheme: 'x_custom' }), 'payload_passthru_mode', { ppt_scheme: 'x_custom', ppt_serializer: 'native' }, 'publishing in payload passthru mode (ppt_scheme)'],
  ];
  it('needs no announced feature for plain calls, subscriptions, registrations and publications, nor for a timeout of 0', async () => {
    const strict = scriptedConnection();
    strict.router.roles = { broker: {}, dealer: {} };
    strict.router.on('CALL', (m) => [[50, m[1], {}, ['ok']]]);
    strict.router.on('SUBSCRIBE', (m) => [[33, m[1], 5], [36, 5, 9, {}, ['x']]]);
    strict.router.on('REGISTER', (m) => [[65, m[1], 7]]);
    strict.router.on('PUBLISH', (m) => [[17, m[1], 11]]);
    const session = await connected(strict.transport, { realm: 'r' });
    expect((await lastValueFrom(session.call('p', [], {}, { timeout: 0, receive_progress: false, disclose_me: false }))).args).toEqual(['ok']);
    expect((await firstValueFrom(session.subscribe('t', { match: 'exact' }))).args).toEqual(['x']);
    expect((await firstValueFrom(session.register('p', () => 1, { match: 'exact', invoke: 'single' }))).id).toBe(7);
    expect((await lastValueFrom(session.publish('t', [], {}, { acknowledge: true, exclude_me: true, retain: false }))).id).toBe(11);
  });
  for (const [what, use, feature, onWire, named] of cases) {
    it(`refuses ${what} when the router did not announce ${feature}, and allows it when not required`, async () => {
      const strict = scriptedConnection();
      strict.router.roles = { broker: {}, dealer: {} };
      const session = await connected(strict.transport, { realm: 'r' });
      const error = await lastValueFrom(use(session), { defaultValue: 0 }).catch((e: unknown) => e);
      expect((error as WampError).uri).toBe('wamp.error.feature_not_supported');
      expect((error as WampError).message).toContain(feature);
      expect(String((error as WampError).args[0])).toMatch(new RegExp(`^${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} needs the router's (broker|dealer) feature ${feature}, `));
      expect(strict.router.received.length).toBe(1);

      const lax = scriptedConnection();
      lax.router.roles = { broker: {}, dealer: {} };
      lax.router.on('CALL', (m) => [[50, m[1], {}]]);
      lax.router.on('SUBSCRIBE', (m) => [[33, m[1], 5], [36, 5, 9, {}, ['x']]]);
      lax.router.on('REGISTER', (m) => [[65, m[1], 7]]);
      const laxSession = await connected(lax.transport, { realm: 'r', requireRouterFeatures: false });
      // The request goes out with its options, and the router's answer reaches the caller.
      const outcome = await firstValueFrom(use(laxSession), { defaultValue: 'completed' }).catch((e: unknown) => e);
      expect(outcome).not.toBeInstanceOf(Error);
      // HELLO, the request, and (for the streams firstValueFrom leaves) UNSUBSCRIBE or UNREGISTER.
      const [, request, ...cleanup] = lax.router.received.map((m) => m[0]);
      expect(cleanup).toEqual(request === 32 ? [34] : request === 64 ? [66] : []);
      expect(lax.router.received[1]![2]).toEqual(jasmine.objectContaining(onWire));
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

  it('with checkRequestIds: true, answers INVOCATION ids that follow each other (1, 2, 3)', () => {
    const t = callee({ checkRequestIds: true });
    for (const id of [1, 2, 3]) t.router.send([68, id, 100, {}, [id]]);
    expect(yields(t)).toEqual([[1, [2]], [2, [4]], [3, [6]]]);
    expect(t.session!.state).toBe('established');
  });

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
