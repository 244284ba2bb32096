/**
 * One router session end to end: the handshake in each of its states, what goes on the
 * wire (ABORT, ERROR, GOODBYE, WELCOME exactly), the size and queue limits in both
 * directions, a failing transport, and what the session logs and counts while doing so.
 */
import { NEVER, Observable, Subject, Subscription, merge } from 'rxjs';
import type { Authenticator, AuthIdentity, AuthRequest } from '../../src/router/auth/authenticator.js';
import type { RealmConfig } from '../../src/router/config.js';
import { hardeningLimits, LimitErrors } from '../../src/router/limits.js';
import type { AllRouterLimits } from '../../src/router/limits.js';
import { Realm } from '../../src/router/realm.js';
import { Router } from '../../src/router/router.js';
import { RouterSession } from '../../src/router/router-session.js';
import type { SessionHost } from '../../src/router/router-session.js';
import { RouterStats } from '../../src/router/router-stats.js';
import { ROUTER_ROLES } from '../../src/router/router-roles.js';
import { createMessage } from '../../src/protocol/message.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { serializerFor } from '../../src/serialization/registry.js';
import type { Serializer } from '../../src/serialization/serializer.js';
import type { Frame, Transport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport.js';
import { ALL_CLIENT_ROLES, RawPeer } from '../support/raw-peer.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { wrapTransport } from '../support/wrapped-transport.js';

const VIOLATION = 'wamp.error.protocol_violation';
/** What the router's end of a loopback pair calls its peer. */
const PEER = 'loopback:a';
const json = new JsonSerializer();

/** An identity an authenticator may return. */
const JOE: AuthIdentity = { authid: 'joe', authrole: 'user', authmethod: 'ticket', authprovider: 'spec' };

/** An authenticator that challenges, and welcomes the signature 'right' as JOE. */
const challenging: Authenticator = () => ({
  method: 'ticket',
  extra: {},
  verify: (signature: string) => Promise.resolve(signature === 'right' ? JOE : { refused: true as const, reason: 'wamp.error.authentication_failed', message: 'wrong ticket' }),
});

/** The router's end of a transport with a smaller size limit than the router's. */
function limitedTo(max: number): (t: Transport) => Transport {
  return (t) => {
    const wrapped = wrapTransport(t, {});
    Object.defineProperty(wrapped, 'maxOutgoingMessageSize', { value: max });
    return wrapped;
  };
}

/** Octets of a message as the JSON serializer writes it. */
function jsonOctets(...message: unknown[]): number {
  return JSON.stringify(message).length;
}

describe('RouterSession', () => {
  let router: Router;
  let logger: RecordingLogger;

  function routerWith(limits: AllRouterLimits = {}, realm: Partial<RealmConfig> = {}): Router {
    logger = new RecordingLogger();
    router = new Router({ realms: [{ name: 'realm1', ...realm }], limits, logger });
    return router;
  }

  /** The router's own session object of a joined peer. */
  function sessionOf(welcome: unknown[]): RouterSession {
    return router.realm('realm1')!.sessions.get(RawPeer.sessionOf(welcome)) as RouterSession;
  }

  afterEach(async () => {
    await router?.close();
  });

  describe('handshake', () => {
    it('welcomes with the identity the authenticator gave, authextra included, and logs the join', async () => {
      routerWith({}, { authenticator: () => ({ ...JOE, authextra: { tier: 'gold' } }) });
      const peer = new RawPeer(router);
      const welcome = await peer.join();
      const id = RawPeer.sessionOf(welcome);
      expect(welcome[2]).toEqual({ realm: 'realm1', authid: 'joe', authrole: 'user', authmethod: 'ticket', authprovider: 'spec', roles: ROUTER_ROLES, authextra: { tier: 'gold' } });
      expect(logger.named('session_joined')).toEqual([
        { level: 'info', event: 'session_joined', fields: { session: id, realm: 'realm1', authid: 'joe', authrole: 'user', authmethod: 'ticket', peer: PEER } },
      ]);
      const session = sessionOf(welcome);
      expect([session.realm, session.authid, session.authrole, session.authmethod, session.authprovider]).toEqual(['realm1', 'joe', 'user', 'ticket', 'spec']);
      expect(session.authextra).toEqual({ tier: 'gold' });
      // HELLO in, WELCOME out: one each.
      expect(router.stats!.messagesIn[1]).toBe(1);
      expect(router.stats!.messagesOut[2]).toBe(1);
    });

    it('leaves authextra out of a WELCOME whose identity has none', async () => {
      routerWith({}, { authenticator: () => JOE });
      const welcome = await new RawPeer(router).join();
      expect(Object.keys(welcome[2] as object)).toEqual(['realm', 'authid', 'authrole', 'authmethod', 'authprovider', 'roles']);
    });

    it('gives an authenticator the authmethods of HELLO, or anonymous when it names none', async () => {
      const requests: AuthRequest[] = [];
      routerWith({}, { authenticator: (request) => (requests.push(request), JOE) });
      await new RawPeer(router).join('realm1', { authmethods: ['ticket', 'wampcra'] });
      await new RawPeer(router).join('realm1');
      expect(requests.map((r) => r.authmethods)).toEqual([['ticket', 'wampcra'], ['anonymous']]);
    });

    it('aborts a HELLO for an invalid realm URI, with empty roles, or for an unknown realm, saying which', async () => {
      routerWith();
      const cases: Array<[unknown[], string, string]> = [
        [[1, 'not a uri', { roles: ALL_CLIENT_ROLES }], 'wamp.error.invalid_uri', "invalid realm URI 'not a uri'"],
        [[1, 'realm1', { roles: {} }], VIOLATION, 'HELLO.Details.roles must announce at least one client role'],
        [[1, 'com.nowhere', { roles: ALL_CLIENT_ROLES }], 'wamp.error.no_such_realm', "no realm 'com.nowhere' on this router"],
      ];
      for (const [hello, reason, message] of cases) {
        const peer = new RawPeer(router);
        peer.send(...hello);
        expect(await peer.next(3)).toEqual([3, { message }, reason]);
        expect(peer.closed).toBeTrue();
      }
    });

    it('counts and logs a refused authentication, and aborts with the refusal at info level', async () => {
      routerWith({}, { authenticator: challenging });
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] });
      expect(await peer.next(4)).toEqual([4, 'ticket', {}]);
      peer.send(5, 'wrong', {});
      expect(await peer.next(3)).toEqual([3, { message: 'wrong ticket' }, 'wamp.error.authentication_failed']);
      const [failed] = logger.named('auth_failed');
      const session = failed!.fields['session'];
      expect(failed).toEqual({ level: 'info', event: 'auth_failed', fields: { session, realm: 'realm1', peer: PEER, reason: 'wamp.error.authentication_failed' } });
      expect(logger.named('session_aborted')).toEqual([
        { level: 'info', event: 'session_aborted', fields: { session, realm: 'realm1', reason: 'wamp.error.authentication_failed', message: 'wrong ticket' } },
      ]);
      expect(router.stats!.authFailures).toBe(1);
    });

    it('logs a protocol violation before HELLO at warn level, without a realm', async () => {
      routerWith();
      const peer = new RawPeer(router);
      peer.send(16, 1, {}, 'com.example.topic');
      expect(await peer.next(3)).toEqual([3, { message: 'expected HELLO, got PUBLISH' }, VIOLATION]);
      expect(logger.named('session_aborted')).toEqual([
        { level: 'warn', event: 'session_aborted', fields: { session: jasmine.any(Number), realm: undefined, reason: VIOLATION, message: 'expected HELLO, got PUBLISH' } },
      ]);
    });

    describe('while challenged', () => {
      beforeEach(async () => {
        routerWith({}, { authenticator: challenging });
      });

      async function challenged(): Promise<RawPeer> {
        const peer = new RawPeer(router);
        peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] });
        await peer.next(4);
        return peer;
      }

      it('welcomes the right AUTHENTICATE', async () => {
        const peer = await challenged();
        peer.send(5, 'right', {});
        expect((await peer.next(2))[2]).toEqual(jasmine.objectContaining({ authid: 'joe' }));
      });

      it('closes without a word on the peer\'s ABORT', async () => {
        const peer = await challenged();
        peer.send(3, {}, 'wamp.close.canceled');
        expect(peer.closed).toBeTrue();
        expect(peer.failure).toBeUndefined();
        expect(peer.received).toEqual([]);
        expect(logger.named('connection_closed').map((l) => l.fields['reason'])).toEqual(['wamp.close.aborted_by_peer']);
        expect(router.sessionCount).toBe(0);
      });

      it('aborts anything but AUTHENTICATE as a protocol violation', async () => {
        const peer = await challenged();
        peer.send(16, 1, {}, 'com.example.topic');
        expect(await peer.next(3)).toEqual([3, { message: 'expected AUTHENTICATE, got PUBLISH' }, VIOLATION]);
      });
    });

    describe('while the authenticator decides', () => {
      beforeEach(() => {
        routerWith({}, { authenticator: () => NEVER as Observable<AuthIdentity> });
      });

      function authenticating(): RawPeer {
        const peer = new RawPeer(router);
        peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
        return peer;
      }

      it('closes without a word on the peer\'s ABORT', () => {
        const peer = authenticating();
        peer.send(3, {}, 'wamp.close.canceled');
        expect(peer.closed).toBeTrue();
        expect(peer.received).toEqual([]);
        expect(logger.named('connection_closed').map((l) => l.fields['reason'])).toEqual(['wamp.close.aborted_by_peer']);
      });

      it('aborts any other message as a protocol violation', async () => {
        const peer = authenticating();
        peer.send(16, 1, {}, 'com.example.topic');
        expect(await peer.next(3)).toEqual([3, { message: 'PUBLISH received before the session was established' }, VIOLATION]);
      });
    });

    it('cancels the pending decision when the peer goes away', () => {
      let asked = 0;
      let canceled = 0;
      routerWith({}, {
        authenticator: () =>
          new Observable<AuthIdentity>(() => {
            asked++;
            return () => canceled++;
          }),
      });
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
      expect([asked, canceled]).toEqual([1, 0]);
      peer.cut();
      expect([asked, canceled]).toEqual([1, 1]);
    });

    describe('handshakeTimeoutMs', () => {
      // A mock clock moves past the handshake timeout: nothing depends on how fast the machine is.
      beforeEach(() => jasmine.clock().install());
      afterEach(() => jasmine.clock().uninstall());

      const expired = [3, { message: 'no completed handshake within 30 ms' }, LimitErrors.handshakeTimeout];

      it('aborts a connection that never sends HELLO, logging and counting the limit', async () => {
        routerWith({ handshakeTimeoutMs: 30 });
        const peer = new RawPeer(router);
        jasmine.clock().tick(30);
        expect(await peer.next(3)).toEqual(expired);
        expect(logger.named('limit_exceeded')).toEqual([
          { level: 'warn', event: 'limit_exceeded', fields: { session: jasmine.any(Number), peer: PEER, limit: LimitErrors.handshakeTimeout, max: 30 } },
        ]);
        expect(router.stats!.limitHits.get(LimitErrors.handshakeTimeout)).toBe(1);
      });

      it('aborts a session whose authenticator never decides', async () => {
        routerWith({ handshakeTimeoutMs: 30 }, { authenticator: () => NEVER as Observable<AuthIdentity> });
        const peer = new RawPeer(router);
        peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
        jasmine.clock().tick(30);
        expect(await peer.next(3)).toEqual(expired);
      });

      it('aborts a session that never answers its CHALLENGE', async () => {
        routerWith({ handshakeTimeoutMs: 30 }, { authenticator: challenging });
        const peer = new RawPeer(router);
        peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] });
        await peer.next(4);
        jasmine.clock().tick(30);
        expect(await peer.next(3)).toEqual(expired);
      });
    });
  });

  describe('message size', () => {
    /** A PUBLISH (acknowledged, request 1) of exactly `octets` in JSON. */
    function publishOf(octets: number): unknown[] {
      const base = jsonOctets(16, 1, { acknowledge: true }, 'com.example.topic', ['']);
      return [16, 1, { acknowledge: true }, 'com.example.topic', ['x'.repeat(octets - base)]];
    }

    it('accepts a message of exactly maxMessageSize octets, and aborts one octet more, logging the limit', async () => {
      routerWith({ maxMessageSize: 2000 });
      const peer = new RawPeer(router);
      const welcome = await peer.join();
      const exact = publishOf(2000);
      expect(jsonOctets(...exact)).toBe(2000);
      peer.send(...exact);
      expect((await peer.nextOf([17, 3]))[0]).toBe(17);
      peer.send(...publishOf(2001));
      expect(await peer.next(3)).toEqual([3, { message: 'a message exceeds the limit of 2000 octets' }, LimitErrors.maxMessageSize]);
      expect(logger.named('limit_exceeded')).toEqual([
        { level: 'warn', event: 'limit_exceeded', fields: { session: RawPeer.sessionOf(welcome), realm: 'realm1', peer: PEER, limit: LimitErrors.maxMessageSize } },
      ]);
      expect(router.stats!.messagesIn[16]).toBe(1);
    });

    it('logs a too large message before HELLO without a realm', async () => {
      routerWith({ maxMessageSize: 200 });
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES, padding: 'x'.repeat(200) });
      expect((await peer.next(3))[2]).toBe(LimitErrors.maxMessageSize);
      expect(logger.named('limit_exceeded')[0]!.fields).toEqual({ session: jasmine.any(Number), realm: undefined, peer: PEER, limit: LimitErrors.maxMessageSize });
    });

    it('aborts a session whose WELCOME is larger than its transport carries, and never joins it', async () => {
      routerWith();
      const peer = new RawPeer(router, 'wamp.2.json', { transport: limitedTo(200) });
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
      expect(await peer.next(3)).toEqual([3, { message: 'the WELCOME exceeds the largest message this peer accepts (200 octets)' }, LimitErrors.maxMessageSize]);
      const [line] = logger.named('limit_exceeded');
      expect(line).toEqual({
        level: 'warn',
        event: 'limit_exceeded',
        fields: { session: jasmine.any(Number), realm: 'realm1', limit: 'maxMessageSize', direction: 'outbound', type: 'WELCOME', octets: jasmine.any(Number), max: 200 },
      });
      expect(line!.fields['octets']).toBeGreaterThan(200);
      expect(logger.named('session_joined')).toEqual([]);
      expect(router.realm('realm1')!.sessionCount).toBe(0);
      expect(router.stats!.messagesOut[2]).toBe(0);
      expect(router.stats!.messagesOut[3]).toBe(1);
    });

    it('logs a too large ABORT before HELLO without a realm, and does not send it', async () => {
      routerWith();
      const peer = new RawPeer(router, 'wamp.2.json', { transport: limitedTo(20) });
      peer.send(16, 1, {}, 'com.example.topic');
      await peer.whenClosed();
      expect(peer.received).toEqual([]);
      expect(logger.named('limit_exceeded')).toEqual([
        { level: 'warn', event: 'limit_exceeded', fields: { session: jasmine.any(Number), realm: undefined, limit: 'maxMessageSize', direction: 'outbound', type: 'ABORT', octets: jasmine.any(Number), max: 20 } },
      ]);
      expect(router.stats!.messagesOut[3]).toBe(0);
    });

    it('delivers a RESULT of exactly the limit, and fails the call of one octet more with payload_size_exceeded', async () => {
      routerWith({ maxMessageSize: 2000 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.example.echo');
      await callee.next(65);
      const caller = new RawPeer(router);
      const welcome = await caller.join();
      // Long caller request ids make the RESULT longer than the YIELD it carries, which then still fits.
      const base = jsonOctets(50, 1000000, {}, ['']);
      caller.send(48, 1000000, {}, 'com.example.echo');
      const first = await callee.next(68);
      callee.send(70, first[1], {}, ['x'.repeat(2000 - base)]);
      const result = await caller.next(50);
      expect(jsonOctets(...result)).toBe(2000);
      expect(caller.frames.at(-1)!.length).toBe(2000);

      caller.send(48, 1000001, {}, 'com.example.echo');
      const second = await callee.next(68);
      callee.send(70, second[1], {}, ['x'.repeat(2001 - base)]);
      expect(await caller.next(8)).toEqual([8, 48, 1000001, {}, 'wamp.error.payload_size_exceeded', ['the result exceeds the largest message this session accepts (2000 octets)']]);
      expect(logger.named('limit_exceeded')).toEqual([
        { level: 'warn', event: 'limit_exceeded', fields: { session: RawPeer.sessionOf(welcome), realm: 'realm1', limit: 'maxMessageSize', direction: 'outbound', type: 'RESULT', octets: 2001, max: 2000 } },
      ]);
    });

    it('fails a call whose INVOCATION the callee\'s serialization cannot carry, logging the encoding failure', async () => {
      routerWith();
      const callee = new RawPeer(router, 'wamp.2.json');
      const welcome = await callee.join();
      callee.send(64, 1, {}, 'com.example.p');
      await callee.next(65);
      const caller = new RawPeer(router, 'wamp.2.cbor');
      await caller.join();
      // A CBOR integer beyond 2^53 arrives as a BigInt, which JSON cannot carry.
      caller.send(48, 1, {}, 'com.example.p', [2n ** 60n]);
      const error = await caller.next(8);
      expect(error.slice(4)).toEqual(['wamp.error.invalid_argument', ['the invocation cannot be carried in json']]);
      expect(callee.received.filter((m) => m[0] === 68)).toEqual([]);
      expect(logger.named('encode_failed')).toEqual([
        { level: 'error', event: 'encode_failed', fields: { session: RawPeer.sessionOf(welcome), type: 'INVOCATION', error: 'Do not know how to serialize a BigInt' } },
      ]);
    });
  });

  describe('events', () => {
    it('counts each EVENT it writes', async () => {
      routerWith();
      const subscriber = new RawPeer(router);
      await subscriber.join();
      subscriber.send(32, 1, {}, 'com.example.topic');
      await subscriber.next(33);
      const publisher = new RawPeer(router);
      await publisher.join();
      publisher.send(16, 1, {}, 'com.example.topic', [1]);
      await subscriber.next(36);
      expect(router.stats!.messagesOut[36]).toBe(1);
    });

    it('drops an EVENT larger than the subscriber\'s transport carries, logging it', async () => {
      routerWith();
      const subscriber = new RawPeer(router, 'wamp.2.json', { transport: limitedTo(1000) });
      const welcome = await subscriber.join();
      subscriber.send(32, 1, {}, 'com.example.topic');
      await subscriber.next(33);
      const publisher = new RawPeer(router);
      await publisher.join();
      publisher.send(16, 1, { acknowledge: true }, 'com.example.topic', ['x'.repeat(1000)]);
      await publisher.next(17);
      expect(subscriber.received).toEqual([]);
      expect(logger.named('limit_exceeded')).toEqual([
        { level: 'warn', event: 'limit_exceeded', fields: { session: RawPeer.sessionOf(welcome), realm: 'realm1', limit: 'maxMessageSize', direction: 'outbound', type: 'EVENT', octets: jasmine.any(Number), max: 1000 } },
      ]);
      expect(router.stats!.messagesOut[36]).toBe(0);
    });

    it('logs a frame the transport refuses and does not count it as sent; the session goes on', async () => {
      routerWith();
      const refusing = (t: Transport): Transport =>
        wrapTransport(t, {
          outgoing: {
            next: (frame: Frame) => {
              if (String(frame).startsWith('[36,')) throw new Error('socket buffer full');
              t.outgoing.next(frame);
            },
            error: (err: unknown) => t.outgoing.error(err),
            complete: () => t.outgoing.complete(),
          },
        });
      const subscriber = new RawPeer(router, 'wamp.2.json', { transport: refusing });
      const welcome = await subscriber.join();
      subscriber.send(32, 1, {}, 'com.example.topic');
      await subscriber.next(33);
      const publisher = new RawPeer(router);
      await publisher.join();
      publisher.send(16, 1, { acknowledge: true }, 'com.example.topic', [1]);
      await publisher.next(17);
      expect(logger.named('send_failed')).toEqual([
        { level: 'warn', event: 'send_failed', fields: { session: RawPeer.sessionOf(welcome), type: 'EVENT', error: 'socket buffer full' } },
      ]);
      expect(router.stats!.messagesOut[36]).toBe(0);
      subscriber.send(16, 2, { acknowledge: true }, 'com.example.other');
      expect((await subscriber.next(17))[1]).toBe(2);
    });
  });

  describe('slow consumers (maxOutboundQueue)', () => {
    /** A transport whose socket buffer holds what it is sent while `stalled`, plus a 4-octet frame header each. */
    function stalling(): { transport: (t: Transport) => Transport; stall(): void; drain(): void } {
      let stalled = false;
      let buffered = 0;
      return {
        stall: () => (stalled = true),
        drain: () => {
          stalled = false;
          buffered = 0;
        },
        transport: (t) => {
          const wrapped = wrapTransport(t, {
            outgoing: {
              next: (frame: Frame) => {
                if (stalled) buffered += frame.length + 4;
                t.outgoing.next(frame);
              },
              error: (err: unknown) => t.outgoing.error(err),
              complete: () => t.outgoing.complete(),
            },
          });
          Object.defineProperty(wrapped, 'bufferedAmount', { get: () => buffered });
          return wrapped;
        },
      };
    }

    it('disconnects a joined session past the limit, counting and logging it, with a reason for the transport', async () => {
      routerWith({ maxOutboundQueue: 1 }, { authenticator: () => JOE });
      const slow = stalling();
      const subscriber = new RawPeer(router, 'wamp.2.json', { transport: slow.transport });
      const welcome = await subscriber.join();
      subscriber.send(32, 1, {}, 'com.example.topic');
      await subscriber.next(33);
      const publisher = new RawPeer(router);
      await publisher.join();
      slow.stall();
      publisher.send(16, 1, {}, 'com.example.topic', [1]);
      expect(subscriber.closed).withContext('one message queued is within the limit').toBeFalse();
      // It catches up (an EVENT goes out with nothing buffered), and stalls again: what it
      // read before is not held against it, though the buffer counts frame headers too.
      slow.drain();
      publisher.send(16, 2, {}, 'com.example.topic', [2]);
      slow.stall();
      publisher.send(16, 3, {}, 'com.example.topic', [3]);
      expect(subscriber.closed).withContext('one message queued again').toBeFalse();
      publisher.send(16, 4, {}, 'com.example.topic', [4]);
      expect(subscriber.closed).toBeTrue();
      expect(subscriber.failure).toEqual(new TransportError('closed', 'peer closed the connection: loopback:a is not reading: 2 messages queued, over the limit of 1'));
      expect(logger.named('slow_consumer')).toEqual([
        {
          level: 'warn',
          event: 'slow_consumer',
          fields: { session: RawPeer.sessionOf(welcome), realm: 'realm1', authid: 'joe', peer: PEER, queued: 2, bufferedBytes: jasmine.any(Number), max: 1 },
        },
      ]);
      expect(router.stats!.slowConsumerDisconnects).toBe(1);
    });

    it('does not call a session that ended while it was written to (its peer answered at once) a slow consumer', async () => {
      routerWith({ maxOutboundQueue: 0 });
      const slow = stalling();
      const peer = new RawPeer(router, 'wamp.2.json', { transport: slow.transport });
      await peer.join();
      slow.stall();
      // The peer answers the GOODBYE while the router is still writing it.
      await router.close();
      expect(peer.received).toEqual([[6, { message: 'the router is shutting down' }, 'wamp.close.system_shutdown']]);
      expect(peer.failure).toBeUndefined();
      expect(logger.named('slow_consumer')).toEqual([]);
      expect(router.stats!.slowConsumerDisconnects).toBe(0);
    });

    it('logs a slow consumer that has not joined without realm or authid', async () => {
      routerWith({ maxOutboundQueue: 0 });
      const slow = stalling();
      slow.stall();
      const peer = new RawPeer(router, 'wamp.2.json', { transport: slow.transport });
      peer.send(16, 1, {}, 'com.example.topic');
      await peer.whenClosed();
      expect(logger.named('slow_consumer')[0]!.fields).toEqual({ session: jasmine.any(Number), realm: undefined, authid: undefined, peer: PEER, queued: 1, bufferedBytes: jasmine.any(Number), max: 0 });
    });
  });

  describe('quotas', () => {
    it('lets a session at its subscription limit subscribe again to what it holds, exact, prefix or wildcard', async () => {
      routerWith({ maxSubscriptionsPerSession: 3 });
      const peer = new RawPeer(router);
      const welcome = await peer.join();
      peer.send(32, 1, {}, 'com.a');
      peer.send(32, 2, { match: 'prefix' }, 'com.b');
      peer.send(32, 3, { match: 'wildcard' }, 'com..c');
      for (let i = 0; i < 3; i++) await peer.next(33);
      peer.send(32, 4, {}, 'com.a');
      peer.send(32, 5, { match: 'prefix' }, 'com.b');
      peer.send(32, 6, { match: 'wildcard' }, 'com..c');
      for (const request of [4, 5, 6]) expect((await peer.nextOf([33, 8]))[1]).toBe(request);
      peer.send(32, 7, {}, 'com.d');
      const text = 'this session already holds 3 subscriptions, the limit';
      expect(await peer.next(8)).toEqual([8, 32, 7, { message: text }, LimitErrors.maxSubscriptionsPerSession, [text]]);
      expect(logger.named('limit_exceeded')).toEqual([
        { level: 'info', event: 'limit_exceeded', fields: { session: RawPeer.sessionOf(welcome), realm: 'realm1', limit: LimitErrors.maxSubscriptionsPerSession } },
      ]);
    });

    it('lets a progressive call invocation go on at the pending-call limit', async () => {
      routerWith({ maxPendingCallsPerSession: 1 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.example.stream');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 1, { progress: true }, 'com.example.stream', ['a']);
      const invocation = await callee.next(68);
      caller.send(48, 1, {}, 'com.example.stream', ['b']);
      const more = await callee.nextOf([68, 8, 3]);
      expect(more.slice(0, 2)).toEqual([68, invocation[1]]);
      expect(more[4]).toEqual(['b']);
    });

    it('does not end a pending call on an ERROR for another request of the same id', async () => {
      routerWith({ maxPendingCallsPerSession: 1 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.example.slow');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 5, {}, 'com.example.slow');
      await callee.next(68);
      // An UNSUBSCRIBE of request 5 that fails: its ERROR is no answer to CALL 5.
      caller.send(34, 5, 12345);
      expect((await caller.next(8)).slice(0, 3)).toEqual([8, 34, 5]);
      caller.send(48, 6, {}, 'com.example.slow');
      expect((await caller.next(8)).slice(0, 5)).toEqual([8, 48, 6, jasmine.anything(), LimitErrors.maxPendingCallsPerSession]);
    });
  });

  describe('closing', () => {
    it('aborts, rather than says GOODBYE to, a session that has not joined when the router closes', async () => {
      routerWith();
      const peer = new RawPeer(router);
      const closing = router.close();
      expect(await peer.next(3)).toEqual([3, { message: 'the router is shutting down' }, 'wamp.close.system_shutdown']);
      await closing;
      expect(logger.named('connection_closed').map((l) => l.fields)).toEqual([{ session: jasmine.any(Number), peer: PEER, reason: 'wamp.close.system_shutdown' }]);
      expect(logger.named('connection_closed')[0]!.level).toBe('debug');
    });

    it('waits for the answer to its GOODBYE, ignoring everything else, and ends on the peer\'s GOODBYE or ABORT', async () => {
      routerWith();
      for (const answer of [[6, {}, 'wamp.close.goodbye_and_out'], [3, {}, 'wamp.close.canceled']]) {
        const peer = new RawPeer(router);
        peer.autoAnswerGoodbye = false;
        const session = sessionOf(await peer.join());
        session.goodbye('wamp.close.killed', 'go away');
        expect(await peer.next(6)).toEqual([6, { message: 'go away' }, 'wamp.close.killed']);
        expect(session.state).toBe('closing');
        // Asked again while closing: nothing more is sent.
        session.goodbye('wamp.close.killed', 'again');
        peer.send(16, 1, { acknowledge: true }, 'com.example.topic');
        expect(peer.closed).toBeFalse();
        expect(peer.received).toEqual([]);
        peer.send(...answer);
        expect(peer.closed).toBeTrue();
        expect(peer.failure).toBeUndefined();
        expect(session.state).toBe('closed');
      }
    });

    it('logs connection_closed only for a session that never joined, with the reason it ended', async () => {
      routerWith();
      const joined = new RawPeer(router);
      await joined.join();
      joined.send(6, {}, 'wamp.close.close_realm');
      await joined.whenClosed();
      expect(joined.failure).toBeUndefined();
      expect(logger.named('connection_closed')).toEqual([]);
      const stranger = new RawPeer(router);
      stranger.cut();
      expect(logger.named('connection_closed')).toEqual([{ level: 'debug', event: 'connection_closed', fields: { session: jasmine.any(Number), peer: PEER, reason: 'transport.closed' } }]);
      // One the router said GOODBYE to had joined too (it left its realm before it ended).
      const told = new RawPeer(router);
      sessionOf(await told.join()).goodbye('wamp.close.killed');
      await told.whenClosed();
      expect(logger.named('session_left').map((l) => l.fields['reason'])).toEqual(['wamp.close.goodbye_and_out', 'wamp.close.killed']);
      expect(logger.named('connection_closed').length).toBe(1);
    });

    it('keeps a GOODBYE timer only while the peer has not answered yet', async () => {
      routerWith({ goodbyeTimeoutMs: 4321 });
      const timers = spyOn(globalThis, 'setTimeout').and.callThrough();
      const goodbyeTimers = (): number => timers.calls.allArgs().filter((args) => args[1] === 4321).length;
      // This peer answers the GOODBYE while the router is still writing it.
      const prompt = new RawPeer(router);
      const promptSession = sessionOf(await prompt.join());
      promptSession.goodbye('wamp.close.killed');
      expect(promptSession.state).toBe('closed');
      expect(goodbyeTimers()).toBe(0);
      const slow = new RawPeer(router);
      slow.autoAnswerGoodbye = false;
      sessionOf(await slow.join()).goodbye('wamp.close.killed');
      expect(goodbyeTimers()).toBe(1);
      slow.send(6, {}, 'wamp.close.goodbye_and_out');
      expect(slow.closed).toBeTrue();
    });
  });

  describe('a failing transport', () => {
    function failing(): { transport: (t: Transport) => Transport; fail(error: unknown): void } {
      const failure$ = new Subject<Frame>();
      return {
        fail: (error) => failure$.error(error),
        transport: (t) => wrapTransport(t, { incoming$: merge(t.incoming$, failure$) }),
      };
    }

    it('ends the session with the transport error\'s code, logging it', async () => {
      routerWith();
      const socket = failing();
      const peer = new RawPeer(router, 'wamp.2.json', { transport: socket.transport });
      const welcome = await peer.join();
      socket.fail(new TransportError('reset', 'connection reset by peer'));
      expect(logger.named('transport_failed')).toEqual([
        { level: 'warn', event: 'transport_failed', fields: { session: RawPeer.sessionOf(welcome), peer: PEER, code: 'reset', error: 'connection reset by peer' } },
      ]);
      expect(logger.named('session_left').map((l) => l.fields['reason'])).toEqual(['transport.reset']);
      expect(router.sessionCount).toBe(0);
    });

    it('names an error without a code transport_error, whatever was thrown', async () => {
      routerWith();
      for (const error of [new Error('boom'), null]) {
        const socket = failing();
        new RawPeer(router, 'wamp.2.json', { transport: socket.transport });
        socket.fail(error);
      }
      expect(logger.named('transport_failed').map((l) => [l.fields['code'], l.fields['error']])).toEqual([
        ['transport_error', 'boom'],
        ['transport_error', 'null'],
      ]);
      expect(logger.named('connection_closed').map((l) => l.fields['reason'])).toEqual(['transport.transport_error', 'transport.transport_error']);
    });
  });

  describe('used directly', () => {
    let sessions: RouterSession[];
    let hostLogger: RecordingLogger;
    let stats: RouterStats;

    beforeEach(() => {
      sessions = [];
      hostLogger = new RecordingLogger();
      stats = new RouterStats();
    });
    afterEach(() => {
      // Clears each session's handshake clock.
      for (const s of sessions) s.end('spec.done');
    });

    function host(realmFor: (name: string) => Realm | undefined = () => undefined): SessionHost {
      return { logger: hostLogger, realmFor, newSessionId: () => 7, goodbyeTimeoutMs: 1000, limits: hardeningLimits(), closed: () => undefined, stats };
    }

    /** A session served by `host` (and `serializer`, if given) to a raw peer. */
    function serve(sessionHost: SessionHost, serializer?: Serializer): { peer: RawPeer; session: RouterSession } {
      let session: RouterSession | undefined;
      const peer = new RawPeer({
        attach: (t: Transport) => {
          session = new RouterSession(t, serializer ?? serializerFor(t.protocol)!, sessionHost);
          sessions.push(session);
          session.start();
          return Subscription.EMPTY;
        },
      });
      return { peer, session: session! };
    }

    it('has no identity before it joins', () => {
      const { session } = serve(host());
      expect([session.realm, session.authid, session.authrole, session.authmethod, session.authprovider]).toEqual(['', '', '', '', '']);
    });

    it('settles one `ended` promise, asked for before the session ended, only when it ends', async () => {
      const { session } = serve(host());
      const ended = session.ended;
      expect(session.ended).toBe(ended);
      await expectAsync(ended).toBePending();
      session.end('spec.done');
      await expectAsync(ended).toBeResolved();
    });

    it('aborts with the router\'s own words when asked to say GOODBYE before it joined', () => {
      const { peer, session } = serve(host());
      session.goodbye('wamp.close.killed');
      expect(peer.received).toEqual([[3, { message: 'the router is closing the session' }, 'wamp.close.killed']]);
      expect(peer.closed).toBeTrue();
    });

    it('sends, counts and logs nothing once closed', () => {
      const { session } = serve(host());
      session.end('spec.done');
      const lines = hostLogger.lines.length;
      session.send(createMessage('GOODBYE', { Details: {}, Reason: 'wamp.close.close_realm' }));
      session.sendFrame(json.encode(createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {} })));
      session.abort('wamp.close.killed', 'too late');
      expect(hostLogger.lines.length).toBe(lines);
      expect(Array.from(stats.messagesOut).every((n) => n === 0)).toBeTrue();
    });

    it('reports what a serializer throws, other than a protocol violation, as an undecodable message', () => {
      const broken: Serializer = {
        id: 'json',
        subprotocol: 'wamp.2.json',
        rawSocketId: 1,
        binary: false,
        encode: (m) => json.encode(m),
        decode: () => {
          throw new RangeError('internal detail');
        },
      };
      const { peer } = serve(host(), broken);
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES });
      expect(peer.received).toEqual([[3, { message: 'undecodable message' }, VIOLATION]]);
    });

    it('aborts an AUTHENTICATE for a realm that is gone meanwhile', async () => {
      const realm = new Realm({ name: 'realm1', authenticator: challenging }, hardeningLimits(), hostLogger);
      let served = true;
      const { peer } = serve(host((name) => (served && name === 'realm1' ? realm : undefined)));
      peer.send(1, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] });
      await peer.next(4);
      served = false;
      peer.send(5, 'right', {});
      expect(await peer.next(3)).toEqual([3, { message: "realm 'realm1' is gone" }, 'wamp.error.no_such_realm']);
      realm.close();
    });
  });
});
