import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { toHex } from '../../src/auth/hex.js';
import type { ClientAuthMethod } from '../../src/client/auth/auth-method.js';
import { cryptosignKeyPair } from '../../src/auth/cryptosign.js';
import { cryptosignAuth, cryptosignPublicKey } from '../../src/client/auth/cryptosign.js';
import { tlsAuth } from '../../src/client/auth/tls.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import { WampClient } from '../../src/client/wamp-client.js';
import { connectRawSocket } from '../../src/node/connect-rawsocket.js';
import { connectSecureWebSocket } from '../../src/node/connect-secure-websocket.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import type { TlsListenerConfig } from '../../src/node/tls-listener.js';
import type { RealmConfig, RouterLimits } from '../../src/router/config.js';
import { Router } from '../../src/router/router.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { WampSession } from '../../src/session/wamp-session.js';
import { WampError } from '../../src/protocol/errors.js';
import type { TlsConnectOptions } from '../../src/transport/tls-channel.js';
import type { Transport } from '../../src/transport/transport.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';
import { createTestPki, fingerprintAt } from '../support/test-certificates.js';
import type { TestPki } from '../support/test-certificates.js';

/** TLS handshakes and key generation are CPU work: give each spec room on a loaded machine. */
const slowIt = (expectation: string, assertion: () => Promise<void>): void => it(expectation, assertion, 30_000);

const SERIALIZERS: SerializerName[] = ['json', 'msgpack', 'cbor'];
const ALICE_KEY = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';

describe('TLS (wss://, rss://)', () => {
  let pki: TestPki;
  const closers: Array<() => Promise<unknown> | unknown> = [];

  beforeAll(async () => {
    pki = await createTestPki();
  }, 30_000);
  afterAll(() => pki.remove());
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const tlsOf = (which: 'server' | 'expired' | 'untrusted', ca?: string): TlsListenerConfig => ({ cert: pki[which].certPath, key: pki[which].keyPath, ...(ca === undefined ? {} : { ca }) });

  /** A router on a wss:// and an rss:// listener. */
  async function startRouter(tls: TlsListenerConfig, realms: RealmConfig[] = [{ name: 'realm1' }], limits: RouterLimits = {}): Promise<{ server: RouterServer; wss: string; rss: string }> {
    const router = new Router({ realms, limits });
    const server = await listen(router, { websocket: { port: 0, path: '/ws', tls }, rawsocket: { port: 0, tls } });
    closers.push(() => router.close().then(() => server.close()));
    return { server, wss: server.urls.find((u) => u.startsWith('wss://'))!, rss: server.urls.find((u) => u.startsWith('rss://'))! };
  }

  function client(options: Partial<WampClientOptions> & { url: string }): WampClient {
    const c = new WampClient({ realm: 'realm1', reconnect: false, ...options });
    closers.push(() => c.close());
    return c;
  }

  /** The error a client fails with when it cannot join. */
  async function failureOf(c: WampClient): Promise<unknown> {
    return firstValueFrom(c.session$).then(
      () => new Error('the client joined'),
      (error: unknown) => error,
    );
  }

  slowIt('serves wss:// and rss:// URLs', async () => {
    const { server } = await startRouter(tlsOf('server'));
    expect(server.urls).toEqual([jasmine.stringMatching(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/), jasmine.stringMatching(/^rss:\/\/127\.0\.0\.1:\d+$/)]);
  });

  for (const scheme of ['wss', 'rss'] as const) {
    for (const serializer of SERIALIZERS) {
      slowIt(`routes calls and events over ${scheme}:// with ${serializer}`, async () => {
        const urls = await startRouter(tlsOf('server'));
        const url = urls[scheme];
        const tls = { ca: pki.ca.cert };
        const callee = client({ url, serializer, tls });
        const caller = client({ url, serializer, tls });
        await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
        const events = collect(callee.subscribe('com.example.topic'));
        closers.push(() => events.stop());
        await settled(callee);
        const result = await lastValueFrom(caller.call('com.example.add', [2, 3]));
        expect(result.args).toEqual([5]);
        await lastValueFrom(caller.publish('com.example.topic', [new Uint8Array([1, 2, 3]), 'x'], {}, { acknowledge: true }));
        const event = await events.next();
        expect(event.args[1]).toBe('x');
        expect(Array.from(event.args[0] as Uint8Array)).toEqual([1, 2, 3]);
      });
    }
  }

  slowIt('refuses plain text on a TLS port and keeps serving TLS', async () => {
    // A RawSocket handshake is 4 bytes, less than a TLS record header: TLS waits for more, and
    // the listener's handshake timeout (the router's handshakeTimeoutMs) ends it.
    const { wss, rss } = await startRouter(tlsOf('server'), undefined, { handshakeTimeoutMs: 2000 });
    const plainWs = await failureOf(client({ url: wss.replace('wss://', 'ws://') }));
    expect(String(plainWs)).toMatch(/cannot connect/);
    const plainRs = await failureOf(client({ url: rss.replace('rss://', 'rs://') }));
    expect(String(plainRs)).toMatch(/closed|handshake|reset|ended|connect/i);
    const good = client({ url: rss, tls: { ca: pki.ca.cert } });
    expect((await firstValueFrom(good.session$)).id).toBeGreaterThan(0);
  });

  for (const scheme of ['wss', 'rss'] as const) {
    slowIt(`${scheme}://: refuses a server certificate it does not trust, unless told otherwise`, async () => {
      const urls = await startRouter(tlsOf('untrusted'));
      const refused = await failureOf(client({ url: urls[scheme], tls: { ca: pki.ca.cert } }));
      expect(String(refused)).toMatch(/self[- ]signed/);
      const noCa = await failureOf(client({ url: urls[scheme] }));
      expect(String(noCa)).toMatch(/self[- ]signed/);
      const told = client({ url: urls[scheme], tls: { rejectUnauthorized: false } });
      expect((await firstValueFrom(told.session$)).id).toBeGreaterThan(0);
    });

    slowIt(`${scheme}://: refuses an expired server certificate, unless told otherwise`, async () => {
      const urls = await startRouter(tlsOf('expired'));
      const refused = await failureOf(client({ url: urls[scheme], tls: { ca: pki.ca.cert } }));
      expect(String(refused)).toMatch(/expired/);
      const told = client({ url: urls[scheme], tls: { ca: pki.ca.cert, rejectUnauthorized: false } });
      expect((await firstValueFrom(told.session$)).id).toBeGreaterThan(0);
    });
  }

  slowIt('checks the server name: a certificate for 127.0.0.1 and localhost does not do for another name', async () => {
    const { rss } = await startRouter(tlsOf('server'));
    const wrongName = await failureOf(client({ url: rss, tls: { ca: pki.ca.cert, servername: 'example.org' } }));
    expect(String(wrongName)).toMatch(/altnames|example\.org/);
    const localhost = client({ url: rss.replace('127.0.0.1', 'localhost'), tls: { ca: pki.ca.cert } });
    expect((await firstValueFrom(localhost.session$)).id).toBeGreaterThan(0);
  });

  slowIt('reloads the certificate files without dropping a session', async () => {
    const dir = mkdtempSync(join(pki.dir, 'reload-'));
    const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    copyFileSync(pki.server.certPath, files.cert);
    copyFileSync(pki.server.keyPath, files.key);
    const { server: reloadable, rss: url } = await startRouter(files);
    const old = client({ url, tls: { ca: pki.ca.cert } });
    await firstKeeping(old.register('com.example.ping', () => 'pong'));
    const before = await fingerprintAt(url, pki.ca.cert);
    writeFileSync(files.cert, pki.renewed.cert);
    writeFileSync(files.key, pki.renewed.key);
    await reloadable.reloadTls();
    const after = await fingerprintAt(url, pki.ca.cert);
    expect(before).toBe(fingerprintOf(pki.server.cert));
    expect(after).toBe(fingerprintOf(pki.renewed.cert));
    // The session from before the reload still serves; a new one reaches it through the new certificate.
    const fresh = client({ url, tls: { ca: pki.ca.cert } });
    expect((await lastValueFrom(fresh.call('com.example.ping'))).args).toEqual(['pong']);
    expect(old.session).toBe(await firstValueFrom(old.session$));
    // A broken file keeps the old certificate.
    writeFileSync(files.key, 'not a key');
    await expectAsync(reloadable.reloadTls()).toBeRejected();
    expect(await fingerprintAt(url, pki.ca.cert)).toBe(fingerprintOf(pki.renewed.cert));
  });

  describe('cryptosign channel binding', () => {
    const realms: RealmConfig[] = [{ name: 'realm1', auth: { cryptosign: { principals: { alice: { authorized_keys: [cryptosignPublicKey(ALICE_KEY)], authrole: 'backend' } } } } }];

    for (const scheme of ['wss', 'rss'] as const) {
      slowIt(`binds the signature to the ${scheme}:// channel (tls-exporter by default, tls-unique on request)`, async () => {
        const urls = await startRouter(tlsOf('server'), realms);
        const byDefault = await firstValueFrom(client({ url: urls[scheme], tls: { ca: pki.ca.cert }, privateKey: ALICE_KEY }).session$);
        expect(byDefault.details['authid']).toBe('alice');
        expect(byDefault.details['authextra']).toEqual(jasmine.objectContaining({ channel_binding: 'tls-exporter' }));
        const unique = await firstValueFrom(
          client({ url: urls[scheme], tls: { ca: pki.ca.cert }, authmethods: [cryptosignAuth(ALICE_KEY, { channelBinding: 'tls-unique' })] }).session$,
        );
        expect(unique.details['authextra']).toEqual(jasmine.objectContaining({ channel_binding: 'tls-unique' }));
        const unbound = await firstValueFrom(client({ url: urls[scheme], tls: { ca: pki.ca.cert }, authmethods: [cryptosignAuth(ALICE_KEY, { channelBinding: null })] }).session$);
        expect(unbound.details['authextra']).toEqual({ pubkey: cryptosignPublicKey(ALICE_KEY) });
      });
    }

    for (const scheme of ['wss', 'rss'] as const) {
      slowIt(`on TLS 1.2 (${scheme}://) binds with tls-unique, since tls-exporter needs TLS 1.3`, async () => {
        const urls = await startRouter(tlsOf('server'), realms);
        const session = await firstValueFrom(client({ url: urls[scheme], tls: { ca: pki.ca.cert, maxVersion: 'TLSv1.2' }, privateKey: ALICE_KEY }).session$);
        expect(session.details['authextra']).toEqual(jasmine.objectContaining({ channel_binding: 'tls-unique' }));
        const forced = await failureOf(
          client({ url: urls[scheme], tls: { ca: pki.ca.cert, maxVersion: 'TLSv1.2' }, authmethods: [cryptosignAuth(ALICE_KEY, { channelBinding: { type: 'tls-unique', channelId: '00'.repeat(32) } })] }),
        );
        expect((forced as WampError).uri).withContext('a made-up channel id').toBe('wamp.error.authentication_failed');
      });
    }

    for (const type of ['tls-exporter', 'tls-unique'] as const) {
      slowIt(`refuses a ${type} signature made for another channel (a relayed challenge)`, async () => {
        const { rss } = await startRouter(tlsOf('server'), realms);
        const target = { host: '127.0.0.1', port: Number(new URL(rss).port), tls: { ca: pki.ca.cert } };
        const victim = await firstValueFrom(connectRawSocket(target, { serializerId: 'json' }));
        const attacker = await firstValueFrom(connectRawSocket(target, { serializerId: 'json' }));
        closers.push(() => victim.outgoing.complete(), () => attacker.outgoing.complete());
        const victimChannel = victim.tls!.channelId(type)!;
        const attackerChannel = attacker.tls!.channelId(type)!;
        expect(victimChannel.length).toBe(32);
        expect(victimChannel).not.toEqual(attackerChannel);
        // The attacker relays the router's challenge to the victim, who signs it for its own channel.
        const pair = cryptosignKeyPair(ALICE_KEY);
        const relayed = await joinFailure(attacker, {
          method: 'cryptosign',
          helloExtra: () => ({ pubkey: pair.publicKey, channel_binding: type }),
          respond: async (extra) => ({ signature: pair.sign(extra['challenge'] as string, hexOf(victimChannel)) }),
        });
        expect(relayed).toEqual(jasmine.any(WampError));
        expect((relayed as WampError).uri).toBe('wamp.error.authentication_failed');
        // The victim's signature on the victim's own connection gets in: only the channel differs.
        const own = await firstValueFrom(
          WampSession.connect(victim, {
            realm: 'realm1',
            authmethods: [
              {
                method: 'cryptosign',
                helloExtra: () => ({ pubkey: pair.publicKey, channel_binding: type }),
                respond: async (extra) => ({ signature: pair.sign(extra['challenge'] as string, hexOf(victimChannel)) }),
              },
            ],
          }),
        );
        expect(own.details['authid']).toBe('alice');
        closers.push(() => own.close());
      });
    }

    slowIt('over plain rs:// a request for binding goes on unbound, as the spec allows', async () => {
      const router = new Router({ realms });
      const server = await listen(router, { rawsocket: { port: 0 } });
      closers.push(() => router.close().then(() => server.close()));
      const session = await firstValueFrom(client({ url: server.urls[0]!, authmethods: [cryptosignAuth(ALICE_KEY, { channelBinding: 'tls-exporter' })] }).session$);
      expect(session.details['authextra']).toEqual({ pubkey: cryptosignPublicKey(ALICE_KEY) });
    });
  });

  describe('client certificates (the tls auth method)', () => {
    const realms = (): RealmConfig[] => [{ name: 'realm1', auth: { tls: { principals: { alice: { authrole: 'backend' } } }, anonymous: {} } }];

    for (const scheme of ['wss', 'rss'] as const) {
      slowIt(`logs in over ${scheme}:// as the certificate's subject CN`, async () => {
        const urls = await startRouter(tlsOf('server', pki.clientCa.certPath), realms());
        const tls: TlsConnectOptions = { ca: pki.ca.cert, cert: pki.alice.cert, key: pki.alice.key };
        const session = await firstValueFrom(client({ url: urls[scheme], tls, authmethods: [tlsAuth()] }).session$);
        expect(session.details).toEqual(jasmine.objectContaining({ authid: 'alice', authrole: 'backend', authmethod: 'tls', authprovider: 'static' }));
        // A client without a certificate may still use the realm's other methods.
        const anonymous = await firstValueFrom(client({ url: urls[scheme], tls: { ca: pki.ca.cert } }).session$);
        expect(anonymous.details['authmethod']).toBe('anonymous');
      });
    }

    slowIt('refuses a certificate its CA did not sign, a missing one, and another authid', async () => {
      const { rss } = await startRouter(tlsOf('server', pki.clientCa.certPath), realms());
      const forged = await failureOf(client({ url: rss, tls: { ca: pki.ca.cert, cert: pki.forgedAlice.cert, key: pki.forgedAlice.key }, authmethods: [tlsAuth()] }));
      expect((forged as WampError).uri).toBe('wamp.error.authentication_failed');
      const none = await failureOf(client({ url: rss, tls: { ca: pki.ca.cert }, authmethods: [tlsAuth()] }));
      expect((none as WampError).uri).toBe('wamp.error.not_authorized');
      const other = await failureOf(client({ url: rss, authid: 'bob', tls: { ca: pki.ca.cert, cert: pki.alice.cert, key: pki.alice.key }, authmethods: [tlsAuth()] }));
      expect((other as WampError).uri).toBe('wamp.error.not_authorized');
    });

    slowIt('pins a principal to one certificate by its SHA-256 fingerprint', async () => {
      const pinned: RealmConfig[] = [{ name: 'realm1', auth: { tls: { principals: { alice: { authrole: 'backend', certificate_sha256: fingerprintOf(pki.renewed.cert) } } } } }];
      const { wss } = await startRouter(tlsOf('server', pki.clientCa.certPath), pinned);
      const refused = await failureOf(client({ url: wss, tls: { ca: pki.ca.cert, cert: pki.alice.cert, key: pki.alice.key }, authmethods: [tlsAuth()] }));
      expect((refused as WampError).uri).toBe('wamp.error.authentication_failed');
    });
  });

  slowIt('connectSecureWebSocket gives the transport its TLS channel', async () => {
    const { wss } = await startRouter(tlsOf('server'));
    const transport = await firstValueFrom(connectSecureWebSocket(wss, { protocols: ['wamp.2.json'], tls: { ca: pki.ca.cert } }));
    closers.push(() => transport.outgoing.complete());
    expect(transport.tls?.protocol).toBe('TLSv1.3');
    expect(transport.tls?.channelId('tls-exporter')?.length).toBe(32);
    expect(transport.tls?.peerCertificate?.subject['CN']).toBe('127.0.0.1');
    expect(transport.tls?.peerCertificate?.authorized).toBeTrue();
  });

});

/** A PEM certificate's SHA-256 fingerprint, as Node prints it. */
function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

const hexOf = toHex;

/** The error a session over `transport` fails to join with, using `method`. */
function joinFailure(transport: Transport, method: ClientAuthMethod): Promise<unknown> {
  return firstValueFrom(WampSession.connect(transport, { realm: 'realm1', authmethods: [method] })).then(
    () => new Error('joined'),
    (error: unknown) => error,
  );
}
