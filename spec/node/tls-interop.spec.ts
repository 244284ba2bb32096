import { firstValueFrom, lastValueFrom } from 'rxjs';
import { WebSocket } from 'ws';
import { cryptosignPublicKey } from '../../src/client/auth/cryptosign.js';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampEvent } from '../../src/session/index.js';
import { listen } from '../../src/node/listen.js';
import type { RealmConfig } from '../../src/router/config.js';
import { Router } from '../../src/router/router.js';
import { openAutobahn } from '../support/autobahn-peer.js';
import { runAutobahnPython } from '../support/autobahn-python.js';
import type { AutobahnPythonTarget } from '../support/autobahn-python.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';
import { createTestPki } from '../support/test-certificates.js';
import type { TestPki } from '../support/test-certificates.js';

const BOB_KEY = '6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b';
const TIMEOUT = 60_000;

describe('TLS interop', () => {
  let pki: TestPki;
  let wss: string;
  let rss: string;
  let close: () => Promise<void>;
  /** Our own client on the router: com.example.add and com.example.roundtrip, and what Python publishes. */
  let ours: WampClient;
  let fromPython: { next: () => Promise<WampEvent>; stop: () => void };

  beforeAll(async () => {
    pki = await createTestPki();
    const realms: RealmConfig[] = [
      { name: 'realm1' },
      { name: 'secure', auth: { cryptosign: { principals: { bob: { authorized_keys: [cryptosignPublicKey(BOB_KEY)], authrole: 'user' } } } } },
    ];
    const router = new Router({ realms });
    const tls = { cert: pki.server.certPath, key: pki.server.keyPath };
    const server = await listen(router, { websocket: { port: 0, path: '/ws', tls }, rawsocket: { port: 0, tls } });
    wss = server.urls.find((u) => u.startsWith('wss://'))!;
    rss = server.urls.find((u) => u.startsWith('rss://'))!;
    ours = new WampClient({ url: rss, realm: 'realm1', serializer: 'cbor', reconnect: false, tls: { ca: pki.ca.cert } });
    await firstKeeping(ours.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
    await firstKeeping(
      ours.register('com.example.roundtrip', async (args) => {
        const product = (await lastValueFrom(ours.call('com.py.mul', args))).args[0];
        await lastValueFrom(ours.publish('com.example.news', [product], {}, { acknowledge: true }));
        return product;
      }),
    );
    fromPython = collect(ours.subscribe('com.example.from_py'));
    await settled(ours);
    close = async () => {
      fromPython.stop();
      await ours.close();
      await router.close();
      await server.close();
    };
  }, TIMEOUT);
  afterAll(async () => {
    await close?.();
    pki?.remove();
  });

  describe('Autobahn|JS over wss://', () => {
    // Autobahn|JS opens the global WebSocket with no options: trust our test CA through a ws subclass.
    let previous: unknown;
    beforeEach(() => {
      previous = (globalThis as { WebSocket?: unknown }).WebSocket;
      const ca = pki.ca.cert;
      (globalThis as { WebSocket?: unknown }).WebSocket = class TrustingWebSocket extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { ca });
        }
      };
    });
    afterEach(() => {
      (globalThis as { WebSocket?: unknown }).WebSocket = previous;
    });

    for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
      it(
        `calls, registers, publishes and subscribes with ${serializer}`,
        async () => {
          const { session, close: leave } = await openAutobahn({ kind: 'websocket', url: wss, serializer });
          try {
            expect(await session.call('com.example.add', [20, 22])).toBe(42);
            await session.register('com.ab.upper', (args) => String(args[0]).toUpperCase());
            expect((await lastValueFrom(ours.call('com.ab.upper', ['wss']))).args).toEqual(['WSS']);
            let heard!: (value: unknown) => void;
            const news = new Promise<unknown>((resolve) => (heard = resolve));
            await session.subscribe('com.example.news', (args) => heard(args[0]));
            await lastValueFrom(ours.publish('com.example.news', [serializer], {}, { acknowledge: true }));
            expect(await news).toBe(serializer);
          } finally {
            await leave();
          }
        },
        TIMEOUT,
      );
    }
  });

  describe('Autobahn|Python (Debian python3-autobahn, Twisted)', () => {
    const runs: Array<[string, () => AutobahnPythonTarget]> = [
      ['over wss:// with JSON', () => ({ kind: 'websocket', url: wss, serializer: 'json', cafile: pki.ca.certPath })],
      ['over wss:// with MessagePack', () => ({ kind: 'websocket', url: wss, serializer: 'msgpack', cafile: pki.ca.certPath })],
      ['over RawSocket-TLS with JSON', () => ({ kind: 'rawsocket', url: rss, serializer: 'json', cafile: pki.ca.certPath })],
      ['over RawSocket-TLS with MessagePack', () => ({ kind: 'rawsocket', url: rss, serializer: 'msgpack', cafile: pki.ca.certPath })],
    ];
    for (const [name, target] of runs) {
      it(
        `${name}: calls both ways, events both ways`,
        async () => {
          const run = await runAutobahnPython(target());
          expect(run.code).withContext(`stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
          expect(run.output.get('joined')).toEqual(jasmine.objectContaining({ authrole: 'anonymous', authmethod: 'anonymous' }));
          expect(run.output.get('call')).withContext(run.stdout).toBe(42);
          expect(run.output.get('event')).toBe(42);
          expect(run.output.get('published')).toBeTrue();
          expect(run.output.get('left')).toBe('wamp.close.goodbye_and_out');
          expect((await fromPython.next()).args).withContext('the event Python published').toEqual(['hello from python']);
        },
        TIMEOUT,
      );
    }

    for (const kind of ['websocket', 'rawsocket'] as const) {
      it(
        `cryptosign with tls-unique channel binding over ${kind === 'websocket' ? 'wss://' : 'RawSocket-TLS'}`,
        async () => {
          const run = await runAutobahnPython({
            kind,
            url: kind === 'websocket' ? wss : rss,
            serializer: 'json',
            cafile: pki.ca.certPath,
            realm: 'secure',
            privkey: BOB_KEY,
            authid: 'bob',
            channel_binding: 'tls-unique',
          });
          expect(run.output.get('joined')).withContext(`stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toEqual(
            jasmine.objectContaining({ authid: 'bob', authrole: 'user', authmethod: 'cryptosign', authextra: jasmine.objectContaining({ channel_binding: 'tls-unique' }) }),
          );
        },
        TIMEOUT,
      );
    }
  });

  it('our client joins the secure realm with tls-exporter binding meanwhile', async () => {
    const client = new WampClient({ url: wss, realm: 'secure', privateKey: BOB_KEY, reconnect: false, tls: { ca: pki.ca.cert } });
    try {
      const session = await firstValueFrom(client.session$);
      expect(session.details['authextra']).toEqual(jasmine.objectContaining({ channel_binding: 'tls-exporter' }));
    } finally {
      await client.close();
    }
  });
});
