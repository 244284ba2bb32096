/**
 * What a router session creates only when it is used (an idle session should cost little):
 * its `ended` promise, its pending-call bookkeeping, its feature cache, and the handshake
 * clock it drops once established. Each still works when first used late.
 */
import { LimitErrors, hardeningLimits } from '../../src/router/limits.js';
import { silentLogger } from '../../src/router/logger.js';
import { Router } from '../../src/router/router.js';
import { RouterSession } from '../../src/router/router-session.js';
import type { SessionHost } from '../../src/router/router-session.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import { RawPeer } from '../support/raw-peer.js';

function hostFor(closed: RouterSession[]): SessionHost {
  let nextId = 0;
  return {
    logger: silentLogger,
    realmFor: () => undefined,
    newSessionId: () => ++nextId,
    goodbyeTimeoutMs: 1000,
    limits: hardeningLimits({ handshakeTimeoutMs: 60_000 }),
    closed: (session) => closed.push(session),
    stats: undefined,
  };
}

describe('RouterSession state created on first use', () => {
  it('settles `ended` whether it is asked for before or after the session ended', async () => {
    const closed: RouterSession[] = [];
    const [early, late] = [0, 1].map(() => new RouterSession(loopbackPair()[0], new JsonSerializer(), hostFor(closed)));
    const askedBefore = early!.ended;
    early!.start();
    late!.start();
    early!.end('test.done');
    late!.end('test.done');
    await expectAsync(askedBefore).toBeResolved();
    await expectAsync(late!.ended).toBeResolved();
    expect(closed.length).toBe(2);
  });

  describe('on a session that joined and stayed idle', () => {
    let router: Router | undefined;
    beforeEach(() => jasmine.clock().install());
    afterEach(async () => {
      jasmine.clock().uninstall();
      await router?.close();
      router = undefined;
    });

    it('counts pending calls from its first CALL on, and frees them with the RESULT', async () => {
      router = new Router({ realms: [{ name: 'realm1' }], limits: { maxPendingCallsPerSession: 1, handshakeTimeoutMs: 50 } });
      const callee = new RawPeer(router);
      await callee.join();
      callee.send(64, 1, {}, 'com.example.echo');
      const registered = await callee.next(65);
      const caller = new RawPeer(router);
      await caller.join();
      // Long past the handshake timeout: the established session is left alone.
      jasmine.clock().tick(200);
      caller.send(48, 1, {}, 'com.example.echo', [1]);
      caller.send(48, 2, {}, 'com.example.echo', [2]);
      const refused = await caller.next(8);
      expect(refused.slice(0, 3)).toEqual([8, 48, 2]);
      expect(refused[4]).toBe(LimitErrors.maxPendingCallsPerSession);
      const invocation = await callee.next(68);
      expect(invocation[2]).toBe(registered[2]);
      callee.send(70, invocation[1], {}, [1]);
      expect((await caller.next(50))[1]).toBe(1);
      caller.send(48, 3, {}, 'com.example.echo', [3]);
      const second = await callee.next(68);
      callee.send(70, second[1], {}, [3]);
      expect((await caller.next(50)).slice(0, 4)).toEqual([50, 3, {}, [3]]);
    });
  });
});
