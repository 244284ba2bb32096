import { Subscription } from 'rxjs';
import type { ClusterHost } from '../../src/router/cluster.js';
import { LimitErrors } from '../../src/router/limits.js';
import { Router } from '../../src/router/router.js';
import { RealmStats, RouterStats } from '../../src/router/router-stats.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import { TransportError } from '../../src/transport/transport.js';
import { MemoryCluster } from '../support/memory-cluster.js';
import type { MemoryNode } from '../support/memory-cluster.js';
import { RawPeer } from '../support/raw-peer.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { drawNext } from '../support/random-words.js';

// Message codes of the WAMP messages these specs exchange.
const ABORT = 3;
const GOODBYE = 6;
const REGISTER = 64;
const REGISTERED = 65;

describe('Router', () => {
  let router: Router;

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }] });
  });

  afterEach(async () => {
    await router.close();
  });

  describe('session lifecycle', () => {
    it('welcomes a HELLO with a global session id and the router roles', async () => {
      const peer = new RawPeer(router);
      const welcome = await peer.join();
      expect(welcome[0]).toBe(2);
      expect(welcome[1]).toBeGreaterThanOrEqual(1);
      const details = welcome[2] as Record<string, any>;
      expect(details['authrole']).toBe('anonymous');
      expect(details['authmethod']).toBe('anonymous');
      expect(details['roles']['broker']['features']['pattern_based_subscription']).toBeTrue();
      expect(details['roles']['dealer']['features']['progressive_call_results']).toBeTrue();
      expect(router.realm('realm1')!.sessionCount).toBe(1);
    });

    it('aborts a HELLO for an unknown realm with wamp.error.no_such_realm', async () => {
      const peer = new RawPeer(router);
      peer.send(1, 'nowhere', { roles: { caller: {} } });
      const abort = await peer.next(3);
      expect(abort[2]).toBe('wamp.error.no_such_realm');
      await peer.whenClosed();
      expect(router.sessionCount).toBe(0);
    });

    it('creates realms on demand when the config allows it', async () => {
      const open = new Router({ autoCreateRealms: true });
      const peer = new RawPeer(open);
      await peer.join('anything.goes');
      expect(open.realm('anything.goes')).toBeDefined();
      await open.close();
    });

    it('aborts a HELLO without roles as a protocol violation', async () => {
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', {});
      const abort = await peer.next(3);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect((abort[1] as Record<string, string>)['message']).toContain('roles');
    });

    it('treats anything but HELLO first as a protocol violation', async () => {
      const peer = new RawPeer(router);
      peer.send(48, 1, {}, 'com.example.add');
      const abort = await peer.next(3);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect((abort[1] as Record<string, string>)['message']).toContain('expected HELLO, got CALL');
      await peer.whenClosed();
    });

    it('aborts undecodable input with a reason and stays up for others', async () => {
      const bad = new RawPeer(router);
      await bad.join();
      const good = new RawPeer(router);
      await good.join();
      bad.sendFrame('[48, "not an id", {}, "x"]');
      const abort = await bad.next(3);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect((abort[1] as Record<string, string>)['message']).toContain('CALL');
      await bad.whenClosed();
      good.send(48, 1, {}, 'wamp.session.count');
      const result = await good.next(50);
      expect(result[3]).toEqual([1]);
    });

    it('treats a second HELLO, or a router-only message, as a protocol violation', async () => {
      for (const message of [[1, 'realm1', { roles: { caller: {} } }], [36, 1, 2, {}], [50, 1, {}], [2, 1, {}], [8, 16, 1, {}, 'x.y']]) {
        const peer = new RawPeer(router);
        await peer.join();
        peer.send(...message);
        const abort = await peer.next(3);
        expect(abort[2]).withContext(JSON.stringify(message)).toBe('wamp.error.protocol_violation');
        await peer.whenClosed();
      }
      expect(router.realm('realm1')!.sessionCount).toBe(0);
    });

    it('answers GOODBYE with wamp.close.goodbye_and_out and forgets the session', async () => {
      const peer = new RawPeer(router);
      await peer.join();
      peer.send(32, 1, {}, 'com.example.topic');
      await peer.next(33);
      peer.send(6, {}, 'wamp.close.normal');
      const goodbye = await peer.next(6);
      expect(goodbye[2]).toBe('wamp.close.goodbye_and_out');
      await peer.whenClosed();
      const realm = router.realm('realm1')!;
      expect(realm.sessionCount).toBe(0);
      expect(realm.subscriptions.size).toBe(0);
      expect(router.sessionCount).toBe(0);
    });

    it('says GOODBYE wamp.close.system_shutdown to every session on close()', async () => {
      const peers = [new RawPeer(router), new RawPeer(router)];
      await Promise.all(peers.map((p) => p.join()));
      const closing = router.close();
      for (const peer of peers) {
        expect(await peer.next(GOODBYE)).toEqual([GOODBYE, { message: 'the router is shutting down' }, 'wamp.close.system_shutdown']);
      }
      await closing;
      for (const peer of peers) await peer.whenClosed();
      expect(router.sessionCount).toBe(0);
    });

    it('refuses a transport whose protocol names no serialization it knows', () => {
      const [routerEnd, peerEnd] = loopbackPair('wamp.2.ubjson');
      let failure: unknown;
      peerEnd.incoming$.subscribe({ error: (e: unknown) => (failure = e) });
      expect(router.attach(routerEnd)).toBe(Subscription.EMPTY);
      // The loopback hands the router's error to the peer as its cause.
      const cause = (failure as Error).cause as TransportError;
      expect(cause).toBeInstanceOf(TransportError);
      expect([cause.code, cause.message]).toEqual(['protocol', "unsupported WAMP serialization 'wamp.2.ubjson'"]);
      expect(router.sessionCount).toBe(0);
    });

    it('logs each connection it takes, with its session, peer and serialization', async () => {
      const logger = new RecordingLogger();
      const logged = new Router({ realms: [{ name: 'realm1' }], logger });
      const welcome = await new RawPeer(logged).join();
      expect(logger.named('connection_opened')).toEqual([{ level: 'debug', event: 'connection_opened', fields: { session: RawPeer.sessionOf(welcome), peer: 'loopback:a', protocol: 'wamp.2.json' } }]);
      await logged.close();
    });

    it('ends the session, as detached, when the Subscription attach() returned is unsubscribed', async () => {
      const logger = new RecordingLogger();
      const logged = new Router({ realms: [{ name: 'realm1' }], logger });
      const [routerEnd, peerEnd] = loopbackPair();
      let closed = false;
      peerEnd.incoming$.subscribe({ complete: () => (closed = true) });
      const attached = logged.attach(routerEnd);
      expect(logged.sessionCount).toBe(1);
      // Loopback delivery is synchronous: the transport is closed by the time unsubscribe() returns.
      attached.unsubscribe();
      expect(closed).toBeTrue();
      expect(logged.sessionCount).toBe(0);
      expect(logger.named('connection_closed').map((l) => l.fields['reason'])).toEqual(['detached']);
      await logged.close();
    });

    it('draws another session id when the one drawn is taken', async () => {
      drawNext([4242, 4242]);
      const peers = [new RawPeer(router), new RawPeer(router)];
      expect(router.sessionCount).toBe(2);
      const ids = (await Promise.all(peers.map((p) => p.join()))).map(RawPeer.sessionOf);
      expect(ids[0]).toBe(4242);
      expect(ids[1]).not.toBe(4242);
    });
  });

  describe('configuration', () => {
    it('keeps counters for the router and each realm unless stats is false', async () => {
      expect(router.stats).toBeInstanceOf(RouterStats);
      await new RawPeer(router).join();
      expect(router.realm('realm1')!.stats).toBeInstanceOf(RealmStats);
      const quiet = new Router({ realms: [{ name: 'realm1' }], stats: false });
      expect(quiet.stats).toBeUndefined();
      await new RawPeer(quiet).join();
      expect(quiet.realm('realm1')).toBeDefined();
      expect(quiet.realm('realm1')!.stats).toBeUndefined();
      await quiet.close();
    });

    it('names the configured realms in configuration order', async () => {
      const several = new Router({ realms: [{ name: 'com.b' }, { name: 'com.a' }] });
      expect(several.configuredRealms()).toEqual(['com.b', 'com.a']);
      await several.close();
    });
  });

  describe('maxSessions', () => {
    it('refuses a connection beyond maxSessions with an ABORT naming the limit, and counts and logs the hit', async () => {
      const logger = new RecordingLogger();
      const limited = new Router({ realms: [{ name: 'realm1' }], logger, limits: { maxSessions: 1 } });
      await new RawPeer(limited).join();
      const refused = new RawPeer(limited);
      expect(await refused.next(ABORT)).toEqual([ABORT, { message: 'the router serves at most 1 sessions (limit max_sessions)' }, LimitErrors.maxSessions]);
      expect(limited.stats!.limitHits.get(LimitErrors.maxSessions)).toBe(1);
      expect(logger.named('limit_exceeded')).toEqual([{ level: 'warn', event: 'limit_exceeded', fields: { limit: LimitErrors.maxSessions, peer: 'loopback:a', max: 1 } }]);
      await limited.close();
    });

    it('refuses every connection once closed as a shutdown, not as a limit hit', async () => {
      const logger = new RecordingLogger();
      const limited = new Router({ realms: [{ name: 'realm1' }], logger, limits: { maxSessions: 1 } });
      await limited.close();
      expect(limited.closed).toBeTrue();
      // The ABORT goes out during attach(): loopback delivery is synchronous.
      const late = new RawPeer(limited);
      expect(late.received).toEqual([[ABORT, { message: 'the router is shutting down' }, 'wamp.close.system_shutdown']]);
      expect(late.closed).toBeTrue();
      expect(limited.stats!.limitHits.size).toBe(0);
      expect(logger.named('limit_exceeded')).toEqual([]);
    });
  });

  describe('close()', () => {
    it('closes once: a second call does not close the cluster link again', async () => {
      const cluster = new MemoryCluster();
      const node = await nodeWithHost(cluster, 'a');
      const closeLink = spyOn(node.link, 'close').and.callThrough();
      await node.router.close();
      await node.router.close();
      expect(closeLink).toHaveBeenCalledTimes(1);
      expect(node.router.closed).toBeTrue();
    });
  });

  describe('as a node of a cluster', () => {
    it('hands cluster input to configured realms, creating them, and says false for a realm it does not have', async () => {
      const { router: node, host } = await nodeWithHost(new MemoryCluster(), 'a');
      expect(node.realm('realm1')).toBeUndefined();
      expect(host.input('realm1', { type: 'link-down' })).toBeTrue();
      expect(node.realm('realm1')).toBeDefined();
      expect(host.input('nowhere', { type: 'link-down' })).toBeFalse();
      expect(node.realm('nowhere')).toBeUndefined();
      await node.close();
    });

    it('creates no realm for cluster input once closed', async () => {
      const { router: node, host } = await nodeWithHost(new MemoryCluster(), 'a');
      await node.close();
      expect(host.input('realm1', { type: 'link-down' })).toBeFalse();
      expect(node.realm('realm1')).toBeUndefined();
    });

    it('tells the cluster only of the registrations of its own callees', async () => {
      const cluster = new MemoryCluster();
      const a = await nodeWithHost(cluster, 'a');
      const b = await nodeWithHost(cluster, 'b');
      const local = new RawPeer(a.router);
      const localId = RawPeer.sessionOf(await local.join());
      const remote = new RawPeer(b.router);
      await remote.join();
      remote.send(REGISTER, 1, {}, 'com.remote');
      await remote.next(REGISTERED);
      local.send(REGISTER, 1, {}, 'com.local');
      await local.next(REGISTERED);
      // a mirrors b's registration, with b's callee in it, once the cluster is through.
      await a.link.sync();
      const procedures = [...a.router.realm('realm1')!.registrations.all()].map((r) => r.procedure).sort();
      expect(procedures).toEqual(['com.local', 'com.remote']);
      expect([...a.host.localRegistrations()].map((r) => [r.procedure, r.session.id])).toEqual([['com.local', localId]]);
      await Promise.all([a.router.close(), b.router.close()]);
    });
  });
});

/** A router that is node `name` of `cluster`, with the ClusterHost it handed its link (what the link calls into). */
async function nodeWithHost(cluster: MemoryCluster, name: string): Promise<{ router: Router; link: MemoryNode; host: ClusterHost }> {
  const link = cluster.node(name);
  let host: ClusterHost | undefined;
  const start = link.start.bind(link);
  spyOn(link, 'start').and.callFake((given: ClusterHost) => start((host = given)));
  const router = new Router({ realms: [{ name: 'realm1' }], cluster: link });
  await router.ready;
  return { router, link, host: host! };
}
