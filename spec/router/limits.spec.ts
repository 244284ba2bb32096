import { Observable } from 'rxjs';
import type { Observer, Subscriber } from 'rxjs';
import type { RouterConfig } from '../../src/router/config.js';
import { LimitErrors, frameOctets, hardeningLimits, nestedDeeperThan } from '../../src/router/limits.js';
import { lazyDict, lazyList } from '../../src/protocol/lazy-arguments.js';
import type { EncodedSpan } from '../../src/protocol/lazy-arguments.js';
import type { AllRouterLimits } from '../../src/router/limits.js';
import { jsonLogger } from '../../src/router/logger.js';
import { Router } from '../../src/router/router.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { messageFromArray } from '../../src/protocol/message.js';
import type { Frame, Transport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport.js';
import { RawPeer } from '../support/raw-peer.js';

/** A router whose config may carry the limits of limits.ts too. */
function routerWith(limits: AllRouterLimits, extra: Partial<RouterConfig> = {}): Router {
  return new Router({ realms: [{ name: 'realm1' }], ...extra, limits });
}

/** The text of an ABORT's or ERROR's message, for matching. */
function messageOf(m: unknown[], at: number): string {
  return String((m[at] as Record<string, unknown>)['message']);
}

const json = new JsonSerializer();

/**
 * A transport to a peer that stops reading on demand: what the router sends then piles
 * up in `bufferedAmount` as it would in a socket, until the peer reads again.
 */
class StallingPeer implements Transport {
  readonly protocol = 'wamp.2.json';
  readonly peer = 'stalling-peer';
  readonly maxOutgoingMessageSize = Infinity;
  readonly received: unknown[][] = [];
  stalled = false;
  bufferedAmount = 0;
  failure: unknown;
  completed = false;
  #toRouter: Subscriber<Frame> | undefined;

  readonly incoming$ = new Observable<Frame>((subscriber) => {
    this.#toRouter = subscriber;
    return () => (this.#toRouter = undefined);
  });

  readonly outgoing: Observer<Frame> = {
    next: (frame) => {
      if (this.stalled) this.bufferedAmount += frame.length;
      else this.received.push(json.decode(frame).toArray());
    },
    error: (err: unknown) => (this.failure = err),
    complete: () => (this.completed = true),
  };

  send(...message: unknown[]): void {
    this.#toRouter!.next(json.encode(messageFromArray(message)));
  }
}

describe('Router limits', () => {
  let router: Router;

  afterEach(async () => {
    await router.close();
  });

  describe('maxMessageSize', () => {
    it('aborts a session that sends a larger message, naming the limit', async () => {
      router = routerWith({ maxMessageSize: 1024 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(16, 1, {}, 'com.example.topic', ['x'.repeat(2000)]);
      const abort = await peer.next(3);
      expect(abort[2]).toBe(LimitErrors.maxMessageSize);
      expect(messageOf(abort, 1)).toContain('1024');
      await peer.whenClosed();
      expect(router.sessionCount).toBe(0);
    });

    it('measures text in UTF-8 octets, not characters', async () => {
      router = routerWith({ maxMessageSize: 1024 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(16, 1, {}, 'com.example.topic', ['€'.repeat(400)]); // 400 characters, 1200 octets
      expect((await peer.next(3))[2]).toBe(LimitErrors.maxMessageSize);
    });

    it('lets a message at the limit through', async () => {
      router = routerWith({ maxMessageSize: 1024 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(16, 1, { acknowledge: true }, 'com.example.topic', ['x'.repeat(900)]);
      expect((await peer.nextOf([17, 3]))[0]).toBe(17);
    });
  });

  describe('maxSessions and maxSessionsPerRealm', () => {
    it('aborts a connection beyond maxSessions with wamp.error.limit_exceeded.max_sessions', async () => {
      router = routerWith({ maxSessions: 2 });
      await new RawPeer(router).join();
      await new RawPeer(router).join();
      const third = new RawPeer(router);
      const abort = await third.next(3);
      expect(abort[2]).toBe(LimitErrors.maxSessions);
      expect(messageOf(abort, 1)).toContain('max_sessions');
      expect(router.sessionCount).toBe(2);
    });

    it('admits a session again once one has left', async () => {
      router = routerWith({ maxSessions: 1 });
      const first = new RawPeer(router);
      await first.join();
      first.send(6, {}, 'wamp.close.close_realm');
      await first.whenClosed();
      await new RawPeer(router).join();
      expect(router.sessionCount).toBe(1);
    });

    it('aborts a HELLO beyond maxSessionsPerRealm and leaves other realms open', async () => {
      router = routerWith({ maxSessionsPerRealm: 1 }, { realms: [{ name: 'realm1' }, { name: 'realm2' }] });
      await new RawPeer(router).join('realm1');
      await expectAsync(new RawPeer(router).join('realm1')).toBeRejectedWithError(/max_sessions_per_realm/);
      await new RawPeer(router).join('realm2');
    });
  });

  describe('maxSubscriptionsPerSession', () => {
    it('refuses a SUBSCRIBE past the limit with an ERROR naming it, and counts again after UNSUBSCRIBE', async () => {
      router = routerWith({ maxSubscriptionsPerSession: 2 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(32, 1, {}, 'com.a');
      const first = await peer.next(33);
      peer.send(32, 2, {}, 'com.b');
      await peer.next(33);
      peer.send(32, 3, {}, 'com.c');
      const error = await peer.next(8);
      expect(error.slice(0, 5)).toEqual([8, 32, 3, jasmine.anything(), LimitErrors.maxSubscriptionsPerSession]);
      // The same topic again is no new subscription.
      peer.send(32, 4, {}, 'com.a');
      expect((await peer.nextOf([33, 8]))[0]).toBe(33);
      peer.send(34, 5, first[2]);
      await peer.next(35);
      peer.send(32, 6, {}, 'com.c');
      expect((await peer.nextOf([33, 8]))[0]).toBe(33);
      expect(router.realm('realm1')!.subscriptions.ofSession(router.realm('realm1')!.sessions.values().next().value!).size).toBe(2);
    });
  });

  describe('maxRegistrationsPerSession', () => {
    it('refuses a REGISTER past the limit with an ERROR naming it', async () => {
      router = routerWith({ maxRegistrationsPerSession: 1 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(64, 1, {}, 'com.a');
      await peer.next(65);
      peer.send(64, 2, {}, 'com.b');
      const text = 'this session already holds 1 registrations, the limit';
      expect(await peer.next(8)).toEqual([8, 64, 2, { message: text }, LimitErrors.maxRegistrationsPerSession, [text]]);
      expect(router.realm('realm1')!.registrations.size).toBe(1);
    });
  });

  describe('maxPendingCallsPerSession', () => {
    it('refuses a CALL past the limit, and accepts one again once a call has its result', async () => {
      router = routerWith({ maxPendingCallsPerSession: 2 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.slow');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 1, {}, 'com.slow');
      caller.send(48, 2, {}, 'com.slow');
      caller.send(48, 3, {}, 'com.slow');
      const error = await caller.next(8);
      expect(error.slice(0, 5)).toEqual([8, 48, 3, jasmine.anything(), LimitErrors.maxPendingCallsPerSession]);
      expect(String((error[5] as unknown[])[0])).toContain('2 calls pending');
      const invocation = await callee.next(68);
      await callee.next(68);
      callee.send(70, invocation[1], {}, ['done']);
      expect((await caller.next(50))[1]).toBe(1);
      caller.send(48, 4, {}, 'com.slow');
      expect(((await callee.next(68)) as unknown[])[0]).toBe(68);
    });

    it('counts calls that ended in an ERROR (no such procedure) as finished', async () => {
      router = routerWith({ maxPendingCallsPerSession: 1 });
      const caller = new RawPeer(router);
      await caller.join();
      for (let request = 1; request <= 5; request++) {
        caller.send(48, request, {}, 'com.nobody');
        expect((await caller.next(8))[4]).toBe('wamp.error.no_such_procedure');
      }
    });

    it('keeps progressive results from ending a call', async () => {
      router = routerWith({ maxPendingCallsPerSession: 1 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.stream');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 1, { receive_progress: true }, 'com.stream');
      const invocation = await callee.next(68);
      callee.send(70, invocation[1], { progress: true }, [1]);
      await caller.next(50);
      caller.send(48, 2, {}, 'com.stream');
      expect((await caller.next(8))[4]).toBe(LimitErrors.maxPendingCallsPerSession);
    });
  });

  describe('maxPayloadDepth', () => {
    it('aborts a session whose message nests deeper than the limit', async () => {
      router = routerWith({ maxPayloadDepth: 8 });
      const peer = new RawPeer(router);
      await peer.join();
      let deep: unknown = 1;
      for (let i = 0; i < 10; i++) deep = [deep];
      peer.send(16, 1, {}, 'com.example.topic', [deep]);
      const abort = await peer.next(3);
      expect(abort[2]).toBe(LimitErrors.maxPayloadDepth);
      expect(messageOf(abort, 1)).toContain('8');
    });

    it('lets nesting within the limit through', async () => {
      router = routerWith({ maxPayloadDepth: 8 });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(16, 1, { acknowledge: true }, 'com.example.topic', [[[[{ a: [1] }]]]]);
      expect((await peer.nextOf([17, 3]))[0]).toBe(17);
    });
  });

  describe('handshakeTimeoutMs', () => {
    // A mock clock moves past the handshake timeout: no spec depends on how fast the machine is.
    beforeEach(() => jasmine.clock().install());
    afterEach(() => jasmine.clock().uninstall());

    it('aborts a connection that never sends HELLO', async () => {
      router = routerWith({ handshakeTimeoutMs: 30 });
      const peer = new RawPeer(router);
      jasmine.clock().tick(29);
      expect(router.sessionCount).withContext('still waiting for HELLO').toBe(1);
      jasmine.clock().tick(1);
      const abort = await peer.next(3);
      expect(abort[2]).toBe(LimitErrors.handshakeTimeout);
      await peer.whenClosed();
      expect(router.sessionCount).toBe(0);
    });

    it('aborts a connection that never answers its CHALLENGE', async () => {
      router = new Router({
        realms: [{ name: 'realm1', auth: { ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'user' } } } } }],
        limits: { handshakeTimeoutMs: 30 },
      });
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'joe' });
      expect((await peer.next(4))[1]).toBe('ticket');
      jasmine.clock().tick(30);
      expect((await peer.next(3))[2]).toBe(LimitErrors.handshakeTimeout);
    });

    it('leaves an established session alone', async () => {
      router = routerWith({ handshakeTimeoutMs: 20 });
      const peer = new RawPeer(router);
      await peer.join();
      jasmine.clock().tick(40);
      peer.send(16, 1, { acknowledge: true }, 'com.example.topic');
      expect((await peer.nextOf([17, 3]))[0]).toBe(17);
    });
  });

  describe('maxOutboundQueue (slow consumers)', () => {
    it('disconnects a session that lets more messages than the limit pile up unread, and only that one', async () => {
      const lines: Array<Record<string, unknown>> = [];
      router = routerWith({ maxOutboundQueue: 50 }, { logger: jsonLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
      const slow = new StallingPeer();
      router.attach(slow);
      slow.send(1, 'realm1', { roles: { subscriber: {} } });
      slow.send(32, 1, {}, 'com.feed');
      const slowId = slow.received.find((m) => m[0] === 2)![1];
      const fast = new RawPeer(router);
      await fast.join();
      fast.send(32, 1, {}, 'com.feed');
      await fast.next(33);
      const watcher = new RawPeer(router);
      await watcher.join();
      watcher.send(32, 1, {}, 'wamp.session.on_leave');
      await watcher.next(33);

      slow.stalled = true;
      const publisher = new RawPeer(router);
      await publisher.join();
      for (let i = 0; i < 200; i++) publisher.send(16, i + 1, {}, 'com.feed', [i]);
      publisher.send(16, 999, { acknowledge: true }, 'com.other');
      await publisher.next(17);

      expect(slow.failure).toBeInstanceOf(TransportError);
      expect((slow.failure as TransportError).code).toBe('slow_peer');
      const left = await watcher.next(36);
      expect((left[4] as unknown[])[0]).toBe(slowId);
      const line = lines.find((l) => l['event'] === 'slow_consumer')!;
      expect(line).toEqual(jasmine.objectContaining({ level: 'warn', session: slowId, max: 50 }));
      expect(line['queued']).toBe(51);
      expect(lines.find((l) => l['event'] === 'session_left' && l['session'] === slowId)!['reason']).toBe(LimitErrors.maxOutboundQueue);
      // The others got everything, in order.
      const events = fast.received.filter((m) => m[0] === 36).map((m) => (m[4] as number[])[0]);
      expect(events).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(router.sessionCount).toBe(3);
    });

    it('keeps a session that catches up', async () => {
      router = routerWith({ maxOutboundQueue: 50 });
      const peer = new StallingPeer();
      router.attach(peer);
      peer.send(1, 'realm1', { roles: { subscriber: {} } });
      peer.send(32, 1, {}, 'com.feed');
      const publisher = new RawPeer(router);
      await publisher.join();
      for (let round = 0; round < 10; round++) {
        peer.stalled = true;
        for (let i = 0; i < 40; i++) publisher.send(16, round * 100 + i + 1, {}, 'com.feed', [i]);
        peer.bufferedAmount = 0; // the peer read everything
        peer.stalled = false;
      }
      publisher.send(16, 5000, {}, 'com.feed', ['last']);
      expect(peer.failure).toBeUndefined();
      expect(peer.received.at(-1)![4]).toEqual(['last']);
    });
  });

  describe('an invocation the callee cannot receive', () => {
    it('fails the call with wamp.error.payload_size_exceeded instead of leaving the caller waiting', async () => {
      router = routerWith({ maxMessageSize: 1024 });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, { disclose_caller: true }, 'com.example.p');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      // The CALL fits; the INVOCATION, with the caller disclosed, does not.
      caller.send(48, 1, {}, 'com.example.p', ['z'.repeat(960)]);
      const error = await caller.next(8);
      expect(error.slice(4)).toEqual(['wamp.error.payload_size_exceeded', ['the invocation exceeds the largest message the callee accepts (1024 octets)']]);
      expect(callee.received.filter((m) => m[0] === 68)).toEqual([]);
      caller.send(48, 2, {}, 'com.example.p', ['small']);
      const invocation = await callee.next(68);
      expect(invocation[4]).toEqual(['small']);
    });
  });

  describe('logging', () => {
    it('writes structured lines for session start and end, violations and limit hits, without payloads or secrets at info', async () => {
      const lines: string[] = [];
      router = new Router({
        realms: [{ name: 'realm1', auth: { ticket: { principals: { joe: { ticket: 'TOP-SECRET-TICKET', authrole: 'user' } } }, anonymous: {} } }],
        limits: { maxMessageSize: 4096 },
        logger: jsonLogger('info', (line) => lines.push(line)),
      });
      const bad = new RawPeer(router);
      bad.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'joe' });
      await bad.next(4);
      bad.send(5, 'WRONG-SECRET-TICKET', {});
      await bad.next(3);
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(16, 1, { acknowledge: true }, 'com.example.topic', ['PAYLOAD-MARKER'], { secret: 'KW-MARKER' });
      await peer.next(17);
      peer.send(16, 2, {}, 'com.example.topic', ['y'.repeat(5000)]);
      await peer.whenClosed();
      const violator = new RawPeer(router);
      await violator.join();
      violator.send(36, 1, 2, {});
      await violator.whenClosed();

      const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const e of events) expect(Object.keys(e).slice(0, 3)).toEqual(['time', 'level', 'event']);
      const names = events.map((e) => e['event']);
      expect(names).toContain('auth_failed');
      expect(names).toContain('session_joined');
      expect(names).toContain('session_left');
      expect(names).toContain('limit_exceeded');
      expect(events.find((e) => e['event'] === 'session_aborted' && e['reason'] === 'wamp.error.protocol_violation')).toBeDefined();
      const all = lines.join('\n');
      for (const secret of ['TOP-SECRET-TICKET', 'WRONG-SECRET-TICKET', 'PAYLOAD-MARKER', 'KW-MARKER', 'yyyyyyyy']) expect(all).not.toContain(secret);
    });

    it('writes nothing below the configured level', async () => {
      const lines: string[] = [];
      router = new Router({ realms: [{ name: 'realm1' }], logger: jsonLogger('warn', (line) => lines.push(line)) });
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(6, {}, 'wamp.close.close_realm');
      await peer.whenClosed();
      expect(lines).toEqual([]);
    });
  });
});

describe('limits.ts', () => {
  describe('hardeningLimits', () => {
    it('fills in every default', () => {
      expect(hardeningLimits()).toEqual({
        maxMessageSize: 16 * 1024 * 1024,
        maxOutboundQueue: 10_000,
        maxSessions: 100_000,
        maxSessionsPerRealm: 100_000,
        handshakeTimeoutMs: 10_000,
        goodbyeTimeoutMs: 2_000,
        maxSubscriptionsPerSession: 1_000,
        maxRegistrationsPerSession: 1_000,
        maxPendingCallsPerSession: 1_000,
        maxPayloadDepth: 64,
        idleTimeoutMs: 60_000,
      });
    });

    it('keeps the limits given, zero included', () => {
      const given = {
        maxMessageSize: 1, maxOutboundQueue: 2, maxSessions: 3, maxSessionsPerRealm: 4, handshakeTimeoutMs: 5, goodbyeTimeoutMs: 6,
        maxSubscriptionsPerSession: 7, maxRegistrationsPerSession: 8, maxPendingCallsPerSession: 9, maxPayloadDepth: 10, idleTimeoutMs: 0,
      };
      expect(hardeningLimits(given)).toEqual(given);
    });
  });

  describe('nestedDeeperThan', () => {
    it('counts each list and dictionary as one level, and is false exactly at the limit', () => {
      expect(nestedDeeperThan([], 0)).toBeTrue();
      expect(nestedDeeperThan({}, 0)).toBeTrue();
      expect(nestedDeeperThan([], 1)).toBeFalse();
      expect(nestedDeeperThan([1, [2, 'x']], 2)).toBeFalse();
      expect(nestedDeeperThan([1, [2, ['x']]], 2)).toBeTrue();
      expect(nestedDeeperThan({ a: 1, b: { c: {} } }, 3)).toBeFalse();
      expect(nestedDeeperThan({ a: 1, b: { c: {} } }, 2)).toBeTrue();
      expect(nestedDeeperThan([{ a: [{}] }], 4)).toBeFalse();
      expect(nestedDeeperThan([{ a: [{}] }], 3)).toBeTrue();
    });

    it('finds the deep value wherever it is among shallow ones', () => {
      expect(nestedDeeperThan([1, 2, 3, [[]]], 2)).toBeTrue();
      expect(nestedDeeperThan({ a: 1, b: 2, c: [[]] }, 2)).toBeTrue();
    });

    it('takes scalars, null, strings and binary as leaves', () => {
      expect(nestedDeeperThan('deep', 0)).toBeFalse();
      expect(nestedDeeperThan(null, 0)).toBeFalse();
      expect(nestedDeeperThan(7, 0)).toBeFalse();
      expect(nestedDeeperThan(new Uint8Array([1, 2]), 0)).toBeFalse();
      expect(nestedDeeperThan([null, 'x', new Uint8Array(3), 1.5, true], 1)).toBeFalse();
      expect(nestedDeeperThan({ a: null, b: new Uint8Array(1) }, 1)).toBeFalse();
    });

    it('trusts the depth the serializer measured for arguments still encoded, without decoding them', () => {
      const span = (encoded: string, depth: number): EncodedSpan => ({
        format: 'json', encoded, empty: false, depth, decode: () => fail('decoded') as never,
      });
      expect(nestedDeeperThan(lazyList(span('[[1]]', 2)), 2)).toBeFalse();
      expect(nestedDeeperThan(lazyList(span('[[1]]', 2)), 1)).toBeTrue();
      expect(nestedDeeperThan(lazyDict(span('{"a":{}}', 2)), 2)).toBeFalse();
      expect(nestedDeeperThan(lazyDict(span('{"a":{}}', 2)), 1)).toBeTrue();
    });
  });

  describe('frameOctets', () => {
    it('measures a binary frame by its length, whatever the limit', () => {
      expect(frameOctets(new Uint8Array(10), 0)).toBe(10);
      expect(frameOctets(new Uint8Array(10), 1000)).toBe(10);
    });

    it('does not encode a string whose worst case (3 octets a UTF-16 unit) fits the limit', () => {
      // Its length stands in: below the limit either way, which is all the caller asks.
      expect(frameOctets('\u00e9\u4e2d', 6)).toBe(2);
      expect(frameOctets('\u00e9\u4e2d', 5)).toBe(5);
    });

    it('counts the UTF-8 octets of a string that may exceed the limit', () => {
      const cases = [
        'abcd', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\u{1f600}', '\ud800\udc00', '\udbff\udfff', 'x\u{10ffff}y',
        // Lone surrogates: UTF-8 encoders write U+FFFD, 3 octets.
        '\udc00', '\ud800', 'a\udbff', '\udfff\u0041', '\udfff\u00e9',
        // Above the surrogates: a 3-octet unit, the next one counted on its own.
        '\ue000\u0800',
      ];
      for (const text of cases) expect(frameOctets(text, 0)).withContext(JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'));
    });
  });
});
