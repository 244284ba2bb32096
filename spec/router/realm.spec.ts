import { Router } from '../../src/router/router.js';
import { sessionInfo } from '../../src/router/remote-session.js';
import type { RemoteSession } from '../../src/router/remote-session.js';
import { RawPeer } from '../support/raw-peer.js';
import { startMemoryNodes } from '../support/memory-nodes.js';

// Message codes of the WAMP messages these specs exchange.
const ABORT = 3;
const GOODBYE = 6;
const SUBSCRIBE = 32;
const SUBSCRIBED = 33;
const UNSUBSCRIBE = 34;
const UNSUBSCRIBED = 35;
const EVENT = 36;

/** Subscribes and resolves with the subscription id. */
async function subscribe(peer: RawPeer, request: number, topic: string): Promise<number> {
  peer.send(SUBSCRIBE, request, {}, topic);
  return (await peer.next(SUBSCRIBED, (m) => m[1] === request))[2] as number;
}

describe('Realm', () => {
  let routers: Router[];

  beforeEach(() => {
    routers = [];
  });

  afterEach(async () => {
    await Promise.all(routers.map((r) => r.close()));
  });

  /** A standalone router serving realm1, closed after the spec. */
  function standalone(config: ConstructorParameters<typeof Router>[0] = {}): Router {
    const router = new Router({ realms: [{ name: 'realm1' }], ...config });
    routers.push(router);
    return router;
  }

  describe('standalone', () => {
    it('refuses a session beyond maxSessionsPerRealm, naming the realm and its limit', async () => {
      const router = standalone({ limits: { maxSessionsPerRealm: 1 } });
      await new RawPeer(router).join();
      const refused = new RawPeer(router);
      refused.send(1, 'realm1', { roles: { caller: {} } });
      expect(await refused.next(ABORT)).toEqual([ABORT, { message: "realm 'realm1' admits at most 1 sessions" }, 'wamp.error.limit_exceeded.max_sessions_per_realm']);
    });

    it("publishes an event of the router itself to the realm's subscribers", async () => {
      const router = standalone();
      const peer = new RawPeer(router);
      await peer.join();
      const sub = await subscribe(peer, 1, 'com.router.rates');
      router.realm('realm1')!.publishFromRouter('com.router.rates', [42]);
      expect(await peer.next(EVENT)).toEqual([EVENT, sub, jasmine.any(Number), {}, [42]]);
    });

    it('draws subscription ids at random: a topic subscribed again after its subscription was deleted gets a new one', async () => {
      // Only the nodes of a cluster derive the id from the pattern (so that they agree on it).
      const router = standalone();
      const peer = new RawPeer(router);
      await peer.join();
      const before = await subscribe(peer, 1, 'com.again');
      peer.send(UNSUBSCRIBE, 2, before);
      await peer.next(UNSUBSCRIBED);
      expect(await subscribe(peer, 3, 'com.again')).not.toBe(before);
    });

    it('lets nothing through its pipeline once closed', async () => {
      const router = standalone();
      const peer = new RawPeer(router);
      await peer.join();
      await subscribe(peer, 1, 'com.router.rates');
      const realm = router.realm('realm1')!;
      // Delivery over a loopback transport is synchronous: the counter shows it at once.
      realm.publishFromRouter('com.router.rates', [1]);
      expect(realm.stats!.delivered).toBe(1);
      realm.close();
      realm.publishFromRouter('com.router.rates', [2]);
      expect(realm.stats!.delivered).toBe(1);
      expect(peer.received.filter((m) => m[0] === EVENT).map((m) => m[4])).toEqual([[1]]);
    });
  });

  describe('as a node of a cluster', () => {
    it('drops a message it held for the cluster when its session has left meanwhile', async () => {
      const [a] = await startMemoryNodes(routers, ['a', 'b']);
      const leaving = await a!.join();
      const staying = await a!.join();
      // A new topic waits until the cluster hears it for this node; the session is gone by then.
      leaving.peer.send(SUBSCRIBE, 1, {}, 'com.held');
      leaving.peer.cut();
      // The next new topic waits behind the first one: once it is subscribed, the first was handled.
      await subscribe(staying.peer, 1, 'com.after');
      const realm = a!.router.realm('realm1')!;
      expect([...realm.subscriptions.all()].map((s) => s.topic)).toEqual(['com.after']);
    });

    it('takes the sessions of a lost node for gone: their stand-ins close, and each survivor announces node_lost', async () => {
      const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
      const watcher = await b!.join();
      const onLeave = await subscribe(watcher.peer, 1, 'wamp.session.on_leave');
      const doomed = await a!.join();
      const realm = b!.router.realm('realm1')!;
      // The join reaches b with everything a sent before this flush.
      await b!.link.sync();
      const proxy = realm.remoteSessions.get(doomed.id)!;
      expect(proxy.open).toBeTrue();
      const info = sessionInfo('a', proxy);
      await a!.link.crash();
      expect(proxy.open).toBeFalse();
      expect(proxy.lost).toBeTrue();
      expect(realm.remoteSessions.has(doomed.id)).toBeFalse();
      expect(await watcher.peer.next(EVENT)).toEqual([EVENT, onLeave, jasmine.any(Number), {}, [doomed.id, jasmine.any(String), 'anonymous'], { reason: 'wamp.close.node_lost' }]);
      // Late news of the session (a registration naming it, say) does not bring it back.
      expect(realm.sessionFor(info)).toBeUndefined();
      expect(realm.remoteSessions.has(doomed.id)).toBeFalse();
    });

    it('forgets the sessions of another node that left, and late news of any of them does not bring it back', async () => {
      const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
      const first = await a!.join();
      const second = await a!.join();
      const realm = b!.router.realm('realm1')!;
      await b!.link.sync();
      const proxies = [realm.remoteSessions.get(first.id)!, realm.remoteSessions.get(second.id)!];
      const infos = proxies.map((p) => sessionInfo('a', p));
      for (const { peer } of [first, second]) {
        peer.send(GOODBYE, {}, 'wamp.close.normal');
        await peer.next(GOODBYE);
        await peer.whenClosed();
      }
      await b!.link.sync();
      expect(proxies.map((p) => p.open)).toEqual([false, false]);
      expect(realm.remoteSessions.size).toBe(0);
      expect(infos.map((info) => realm.sessionFor(info))).toEqual([undefined, undefined]);
      expect(realm.remoteSessions.size).toBe(0);
      // A session of another node not heard of before gets its stand-in.
      const stranger = realm.sessionFor({ ...infos[0]!, id: first.id + second.id });
      expect(stranger?.node).toBe('a');
      expect(realm.remoteSessions.get(stranger!.id)).toBe(stranger as RemoteSession);
    });
  });
});
