import { Router } from '../../src/router/router.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import { RawPeer } from '../support/raw-peer.js';

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
        const goodbye = await peer.next(6);
        expect(goodbye[2]).toBe('wamp.close.system_shutdown');
      }
      await closing;
      for (const peer of peers) await peer.whenClosed();
      expect(router.sessionCount).toBe(0);
    });

    it('refuses a transport whose protocol names no serialization it knows', () => {
      const [routerEnd, peerEnd] = loopbackPair('wamp.2.ubjson');
      let failure: unknown;
      peerEnd.incoming$.subscribe({ error: (e: unknown) => (failure = e) });
      router.attach(routerEnd);
      expect(String(failure)).toContain('unsupported WAMP serialization');
    });
  });
});
