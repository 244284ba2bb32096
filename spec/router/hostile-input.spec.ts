import { encode as cborEncode } from 'cborg';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { LimitErrors } from '../../src/router/limits.js';
import type { AllRouterLimits } from '../../src/router/limits.js';
import { Router } from '../../src/router/router.js';
import { RawPeer } from '../support/raw-peer.js';
import { RecordingLogger } from '../support/recording-logger.js';

const VIOLATION = 'wamp.error.protocol_violation';

/** Collects unhandled rejections while a spec runs (there must be none). */
function watchRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return { seen, stop: () => process.off('unhandledRejection', onRejection) };
}

describe('Router under hostile input', () => {
  let router: Router;
  let rejections: ReturnType<typeof watchRejections>;
  let logger: RecordingLogger;

  beforeEach(() => {
    rejections = watchRejections();
    logger = new RecordingLogger();
    const limits: AllRouterLimits = { maxMessageSize: 64 * 1024, goodbyeTimeoutMs: 50 };
    router = new Router({ realms: [{ name: 'realm1' }], limits, logger });
  });

  afterEach(async () => {
    await router.close();
    rejections.stop();
    expect(rejections.seen).toEqual([]);
  });

  /** The router still serves a fresh session end to end (subscribe, publish, call). */
  async function expectStillServing(): Promise<void> {
    const a = new RawPeer(router);
    const b = new RawPeer(router);
    await a.join();
    await b.join();
    a.send(32, 1, {}, 'com.check');
    await a.next(33);
    b.send(64, 1, {}, 'com.check.rpc');
    const registered = await b.nextOf([65, 8]);
    b.send(16, 2, {}, 'com.check', ['ok']);
    expect((await a.next(36))[4]).toEqual(['ok']);
    expect(registered[0]).withContext(`REGISTER answered ${JSON.stringify(registered)}`).toBe(65);
    a.send(48, 2, {}, 'com.check.rpc', [1]);
    const invocation = await b.next(68);
    b.send(70, invocation[1], {}, [2]);
    expect((await a.next(50))[3]).toEqual([2]);
    a.send(6, {}, 'wamp.close.close_realm');
    b.send(6, {}, 'wamp.close.close_realm');
    await Promise.all([a.whenClosed(), b.whenClosed()]);
  }

  /** Sends `frame` after joining (or before, with `join: false`), expects ABORT with `reason`, and the transport closed. */
  async function expectAbort(frame: string | Uint8Array, reason: string, options: { join?: boolean; protocol?: string } = {}): Promise<unknown[]> {
    const peer = new RawPeer(router, options.protocol ?? 'wamp.2.json');
    if (options.join !== false) await peer.join();
    peer.sendFrame(frame);
    const abort = await peer.next(3);
    expect(abort[2]).withContext(JSON.stringify(abort)).toBe(reason);
    await peer.whenClosed();
    return abort;
  }

  describe('malformed frames', () => {
    const cases: Array<[string, string]> = [
      ['text that is not JSON', '{"not json'],
      ['JSON that is not an array', '{"a":1}'],
      ['an empty array', '[]'],
      ['null', 'null'],
      ['an unknown message code', '[999, 1, {}]'],
      ['a message code that is a string', '["16", 1, {}, "com.t"]'],
      ['a missing field', '[16, 1, {}]'],
      ['too many fields', '[32, 1, {}, "com.t", "extra"]'],
      ['Options that are not a dict', '[32, 1, [], "com.t"]'],
      ['a topic that is not a string', '[32, 1, {}, 42]'],
      ['Arguments that are not a list', '[16, 1, {}, "com.t", {"a": 1}]'],
      ['ArgumentsKw that is not a dict', '[16, 1, {}, "com.t", [], [1]]'],
    ];
    for (const [what, frame] of cases) {
      it(`aborts ${what} with a protocol violation`, async () => {
        await expectAbort(frame, VIOLATION);
        await expectStillServing();
      });
    }

    it('aborts binary garbage on MessagePack and CBOR sessions', async () => {
      await expectAbort(new Uint8Array([0xc1, 0xff, 0x00, 0x13]), VIOLATION, { protocol: 'wamp.2.msgpack' });
      await expectAbort(new Uint8Array([0xff, 0xff, 0xff]), VIOLATION, { protocol: 'wamp.2.cbor' });
      await expectAbort(new Uint8Array([]), VIOLATION, { protocol: 'wamp.2.cbor' });
      await expectAbort('[1, "realm1", {}]', VIOLATION, { protocol: 'wamp.2.cbor', join: false });
      await expectStillServing();
    });

    it('aborts garbage sent before HELLO', async () => {
      await expectAbort('\u0000\u0001garbage', VIOLATION, { join: false });
      await expectStillServing();
    });
  });

  describe('request-id games', () => {
    const ids: Array<[string, string]> = [
      ['zero', '0'],
      ['negative', '-5'],
      ['fractional', '1.5'],
      ['beyond 2^53', '9007199254740994'],
      ['1e300', '1e300'],
      ['a string', '"7"'],
    ];
    for (const [what, id] of ids) {
      it(`aborts a request id that is ${what}`, async () => {
        await expectAbort(`[48, ${id}, {}, "com.example.add"]`, VIOLATION);
        await expectStillServing();
      });
    }

    it('aborts a YIELD for an invocation the router never sent', async () => {
      await expectAbort('[70, 12345, {}]', VIOLATION);
      await expectStillServing();
    });

    it('does not let a session answer, unsubscribe or unregister what belongs to another', async () => {
      const owner = new RawPeer(router);
      await owner.join();
      owner.send(32, 1, {}, 'com.t');
      const subscribed = await owner.next(33);
      owner.send(64, 2, {}, 'com.p');
      const registered = await owner.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 1, {}, 'com.p');
      const invocation = await owner.next(68);

      const thief = new RawPeer(router);
      await thief.join();
      thief.send(34, 1, subscribed[2]);
      expect((await thief.next(8))[4]).toBe('wamp.error.no_such_subscription');
      thief.send(66, 2, registered[2]);
      expect((await thief.next(8))[4]).toBe('wamp.error.no_such_registration');
      // The thief was never sent this invocation: answering it is a violation, and the caller gets nothing.
      thief.send(70, invocation[1], {}, ['forged']);
      expect((await thief.next(3))[2]).toBe(VIOLATION);
      owner.send(70, invocation[1], {}, ['genuine']);
      expect((await caller.next(50))[3]).toEqual(['genuine']);
      expect(caller.received.filter((m) => m[0] === 50)).toEqual([]);
    });

    it('aborts a CALL that reuses the id of a pending call', async () => {
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.p');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      caller.send(48, 7, {}, 'com.p');
      await callee.next(68);
      caller.send(48, 7, {}, 'com.p');
      expect((await caller.next(3))[2]).toBe(VIOLATION);
      await expectStillServing();
    });
  });

  describe('out-of-state messages', () => {
    const established: Array<[string, string]> = [
      ['a second HELLO', '[1, "realm1", {"roles": {"caller": {}}}]'],
      ['WELCOME', '[2, 1, {}]'],
      ['CHALLENGE', '[4, "ticket", {}]'],
      ['AUTHENTICATE', '[5, "sig", {}]'],
      ['EVENT', '[36, 1, 2, {}]'],
      ['RESULT', '[50, 1, {}]'],
      ['INVOCATION', '[68, 1, 2, {}]'],
      ['an ERROR for a CALL', '[8, 48, 1, {}, "wamp.error.x"]'],
    ];
    for (const [what, frame] of established) {
      it(`aborts ${what} from an established session`, async () => {
        await expectAbort(frame, VIOLATION);
        await expectStillServing();
      });
    }

    it('aborts AUTHENTICATE without a CHALLENGE and PUBLISH before WELCOME', async () => {
      await expectAbort('[5, "sig", {}]', VIOLATION, { join: false });
      await expectAbort('[16, 1, {}, "com.t"]', VIOLATION, { join: false });
      await expectStillServing();
    });
  });

  describe('huge and deeply nested payloads', () => {
    it('aborts a message over maxMessageSize without decoding it', async () => {
      const huge = `[16, 1, {}, "com.t", ["${'x'.repeat(70 * 1024)}"]]`;
      await expectAbort(huge, LimitErrors.maxMessageSize);
      await expectStillServing();
    });

    it('aborts deeply nested JSON, MessagePack and CBOR without overflowing the stack', async () => {
      const depth = 10_000;
      await expectAbort(`[16, 1, {}, "com.t", [${'['.repeat(depth)}${']'.repeat(depth)}]]`, LimitErrors.maxPayloadDepth);
      let nested: unknown = [];
      for (let i = 0; i < 1000; i++) nested = [nested];
      await expectAbort(msgpackEncode([16, 1, {}, 'com.t', [nested]], { maxDepth: 2000 }), LimitErrors.maxPayloadDepth, { protocol: 'wamp.2.msgpack' });
      await expectAbort(cborEncode([16, 1, {}, 'com.t', [nested]]), LimitErrors.maxPayloadDepth, { protocol: 'wamp.2.cbor' });
      await expectAbort(JSON.stringify([16, 1, { deep: nested }, 'com.t']), LimitErrors.maxPayloadDepth);
      await expectStillServing();
    });

    it('delivers to other serializations what they can carry and drops (with a log) what they cannot', async () => {
      const subscriber = new RawPeer(router);
      await subscriber.join();
      subscriber.send(32, 1, {}, 'com.big');
      await subscriber.next(33);
      const publisher = new RawPeer(router, 'wamp.2.cbor');
      await publisher.join();
      // CBOR carries integers beyond 2^53 (as BigInt); JSON cannot.
      publisher.sendFrame(cborEncode([16, 1, { acknowledge: true }, 'com.big', [2n ** 60n]]));
      expect((await publisher.nextOf([17, 3]))[0]).toBe(17);
      publisher.sendFrame(cborEncode([16, 2, { acknowledge: true }, 'com.big', [1]]));
      await publisher.next(17);
      expect((await subscriber.next(36))[4]).toEqual([1]);
      expect(logger.named('encode_failed')).toEqual([
        { level: 'warn', event: 'encode_failed', fields: jasmine.objectContaining({ type: 'EVENT', serializer: 'json' }) },
      ]);
      await expectStillServing();
    });
  });

  describe('floods', () => {
    it('bounds a flood of SUBSCRIBE by maxSubscriptionsPerSession', async () => {
      const peer = new RawPeer(router);
      await peer.join();
      for (let i = 1; i <= 3000; i++) peer.send(32, i, {}, `com.flood.t${i}`);
      const last = await peer.nextOf([8]);
      expect(last[4]).toBe(LimitErrors.maxSubscriptionsPerSession);
      expect(router.realm('realm1')!.subscriptions.size).toBe(router.limits.maxSubscriptionsPerSession);
      await expectStillServing();
    });

    it('bounds a flood of REGISTER by maxRegistrationsPerSession', async () => {
      const peer = new RawPeer(router);
      await peer.join();
      for (let i = 1; i <= 3000; i++) peer.send(64, i, {}, `com.flood.p${i}`);
      expect((await peer.nextOf([8]))[4]).toBe(LimitErrors.maxRegistrationsPerSession);
      expect(router.realm('realm1')!.registrations.size).toBe(router.limits.maxRegistrationsPerSession);
    });

    it('bounds a flood of CALLs to a callee that never answers by maxPendingCallsPerSession', async () => {
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.sink');
      await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      for (let i = 1; i <= 3000; i++) caller.send(48, i, {}, 'com.sink');
      await caller.next(8);
      const refused = caller.received.filter((m) => m[0] === 8 && m[4] === LimitErrors.maxPendingCallsPerSession).length + 1;
      expect(refused).toBe(3000 - router.limits.maxPendingCallsPerSession);
      expect(callee.received.filter((m) => m[0] === 68).length).toBe(router.limits.maxPendingCallsPerSession);
      await expectStillServing();
    });

    it('survives a flood of PUBLISH and GOODBYE-less disconnects', async () => {
      for (let round = 0; round < 20; round++) {
        const peer = new RawPeer(router);
        await peer.join();
        for (let i = 1; i <= 200; i++) peer.send(16, i, {}, 'com.flood', [i]);
        peer.cut();
      }
      expect(router.sessionCount).toBe(0);
      await expectStillServing();
    });
  });
});
