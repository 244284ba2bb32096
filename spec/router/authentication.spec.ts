import { firstValueFrom } from 'rxjs';
import { deriveWampcraKey } from '../../src/auth/wampcra.js';
import { cryptosignPublicKey } from '../../src/client/auth/cryptosign.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import { listen } from '../../src/node/listen.js';
import { WampError } from '../../src/protocol/errors.js';
import type { RealmConfig } from '../../src/router/config.js';
import { Router } from '../../src/router/router.js';
import { nacl } from '../auth/interop.js';
import { autobahn, openAutobahn } from '../support/autobahn-peer.js';
import { RawPeer } from '../support/raw-peer.js';
import { callValue, connectClient } from '../support/router-clients.js';

// The first test vector of the cryptosign section of the WAMP specification.
const ALICE_SEED = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';
const OTHER_SEED = 'd511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd';

async function realm(): Promise<RealmConfig> {
  return {
    name: 'realm1',
    auth: {
      ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'frontend' } } },
      wampcra: {
        users: {
          peter: { secret: 'secret1', authrole: 'backend' },
          paul: { secret: await deriveWampcraKey('paul-password', 'salt123', 100, 32), salt: 'salt123', iterations: 100, keylen: 32, authrole: 'backend' },
        },
      },
      cryptosign: { principals: { alice: { authorized_keys: [cryptosignPublicKey(ALICE_SEED)], authrole: 'backend' } } },
    },
  };
}

describe('authentication through the router handshake', () => {
  let router: Router;
  beforeEach(async () => {
    router = new Router({ realms: [await realm()] });
  });
  afterEach(async () => {
    await router.close();
  });

  /** Joins with a WampClient; resolves with WELCOME's identity, or rejects with the ABORT as a WampError. */
  async function join(options: Partial<WampClientOptions>): Promise<{ authid: string; authrole: string; authmethod: string }> {
    const { client } = connectClient(router, options);
    try {
      const session = await firstValueFrom(client.session$);
      const details = session.details as { authid: string; authrole: string; authmethod: string };
      expect(await callValue(client, 'wamp.session.count')).toBe(1);
      return { authid: details.authid, authrole: details.authrole, authmethod: details.authmethod };
    } finally {
      await client.close();
    }
  }

  const failureOf = (options: Partial<WampClientOptions>): Promise<string> =>
    join(options).then(
      () => 'welcomed',
      (e: unknown) => (e instanceof WampError ? e.uri : String(e)),
    );

  describe('ticket', () => {
    it('welcomes the right ticket with its authrole', async () => {
      expect(await join({ authid: 'joe', ticket: 'secret-ticket' })).toEqual({ authid: 'joe', authrole: 'frontend', authmethod: 'ticket' });
    });
    it('refuses a wrong ticket and an unknown authid', async () => {
      expect(await failureOf({ authid: 'joe', ticket: 'wrong' })).toBe('wamp.error.authentication_failed');
      expect(await failureOf({ authid: 'jim', ticket: 'secret-ticket' })).toBe('wamp.error.not_authorized');
    });
  });

  describe('wampcra', () => {
    it('welcomes plain and salted secrets', async () => {
      expect(await join({ authid: 'peter', secret: 'secret1' })).toEqual({ authid: 'peter', authrole: 'backend', authmethod: 'wampcra' });
      expect(await join({ authid: 'paul', secret: 'paul-password' })).toEqual({ authid: 'paul', authrole: 'backend', authmethod: 'wampcra' });
    });
    it('refuses a wrong secret and an unknown authid', async () => {
      expect(await failureOf({ authid: 'peter', secret: 'secret2' })).toBe('wamp.error.authentication_failed');
      expect(await failureOf({ authid: 'paul', secret: 'not-pauls' })).toBe('wamp.error.authentication_failed');
      expect(await failureOf({ authid: 'mary', secret: 'secret1' })).toBe('wamp.error.not_authorized');
    });
  });

  describe('cryptosign', () => {
    it('welcomes the key of the specification vector', async () => {
      expect(await join({ authid: 'alice', privateKey: ALICE_SEED })).toEqual({ authid: 'alice', authrole: 'backend', authmethod: 'cryptosign' });
    });
    it('refuses another key and an unknown authid', async () => {
      expect(await failureOf({ authid: 'alice', privateKey: OTHER_SEED })).toBe('wamp.error.not_authorized');
      expect(await failureOf({ authid: 'bob', privateKey: ALICE_SEED })).toBe('wamp.error.not_authorized');
    });
  });

  it('refuses a method the realm does not list, and anonymous on a realm with auth', async () => {
    expect(await failureOf({})).toBe('wamp.error.no_matching_auth_method');
  });

  describe('with raw messages', () => {
    it('refuses a replayed AUTHENTICATE: a signature for one challenge fails the next', async () => {
      const first = new RawPeer(router);
      first.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['wampcra'], authid: 'peter' });
      const challenge1 = await first.next(4);
      const { signWampcra } = await import('../../src/auth/wampcra.js');
      const signature = await signWampcra('secret1', (challenge1[2] as { challenge: string }).challenge);
      first.send(5, signature, {});
      await first.next(2);
      const second = new RawPeer(router);
      second.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['wampcra'], authid: 'peter' });
      await second.next(4);
      second.send(5, signature, {});
      expect((await second.next(3))[2]).toBe('wamp.error.authentication_failed');
      // A second AUTHENTICATE on an established session is a protocol violation.
      first.send(5, signature, {});
      expect((await first.next(3))[2]).toBe('wamp.error.protocol_violation');
    });

    it('treats a truncated AUTHENTICATE, or one without a CHALLENGE, as a protocol violation', async () => {
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'joe' });
      await peer.next(4);
      peer.sendFrame('[5, "secret-ticket"]');
      const abort = await peer.next(3);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect(JSON.stringify(abort[1])).toContain('AUTHENTICATE');
      const early = new RawPeer(router);
      early.send(5, 'secret-ticket', {});
      expect((await early.next(3))[2]).toBe('wamp.error.protocol_violation');
    });

    it('never puts a secret into an ABORT', async () => {
      const peer = new RawPeer(router);
      peer.send(1, 'realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'joe' });
      await peer.next(4);
      peer.send(5, 'wrong-ticket', {});
      const abort = await peer.next(3);
      expect(JSON.stringify(abort)).not.toContain('secret-ticket');
      expect(JSON.stringify(abort)).not.toContain('wrong-ticket');
    });
  });

  describe('interop: autobahn (npm) authenticates and calls the meta API', () => {
    const methods: Array<[string, Record<string, unknown>]> = [
      ['ticket', { authmethods: ['ticket'], authid: 'joe', onchallenge: () => 'secret-ticket' }],
      ['wampcra', { authmethods: ['wampcra'], authid: 'peter', onchallenge: (_s: unknown, _m: string, extra: { challenge: string }) => autobahn.auth_cra.sign('secret1', extra.challenge) }],
      [
        'wampcra (salted)',
        {
          authmethods: ['wampcra'],
          authid: 'paul',
          onchallenge: (_s: unknown, _m: string, extra: { challenge: string; salt: string; iterations: number; keylen: number }) =>
            autobahn.auth_cra.sign(autobahn.auth_cra.derive_key('paul-password', extra.salt, extra.iterations, extra.keylen), extra.challenge),
        },
      ],
    ];
    for (const [name, options] of methods) {
      it(name, async () => {
        const server = await listen(router, { websocket: { port: 0 } });
        try {
          const { session, close } = await openAutobahn({ kind: 'websocket', url: server.urls[0]!, serializer: 'json' }, 'realm1', options);
          expect(await session.call('wamp.session.count')).toBe(1);
          await close().catch(() => undefined);
        } finally {
          await server.close();
        }
      });
    }

    it('cryptosign', async () => {
      const keypair = nacl.sign.keyPair.fromSeed(autobahn.util.htob(ALICE_SEED));
      const server = await listen(router, { websocket: { port: 0 } });
      try {
        const { session, close } = await openAutobahn({ kind: 'websocket', url: server.urls[0]!, serializer: 'msgpack' }, 'realm1', {
          authmethods: ['cryptosign'],
          authid: 'alice',
          authextra: { pubkey: autobahn.util.btoh(keypair.publicKey) },
          onchallenge: (_s: unknown, _m: string, extra: { challenge: string }) => autobahn.auth_cryptosign.sign_challenge(keypair, extra),
        });
        const me = await session.call('wamp.session.get', [session.id]);
        expect(me.authid).toBe('alice');
        expect(me.authmethod).toBe('cryptosign');
        await close().catch(() => undefined);
      } finally {
        await server.close();
      }
    });

    it('is refused with a wrong ticket', async () => {
      const server = await listen(router, { websocket: { port: 0 } });
      try {
        const failure = await openAutobahn({ kind: 'websocket', url: server.urls[0]!, serializer: 'json' }, 'realm1', {
          authmethods: ['ticket'],
          authid: 'joe',
          onchallenge: () => 'nope',
        }).then(
          () => 'welcomed',
          (e: Error) => e.message,
        );
        expect(failure).toContain('wamp.error.authentication_failed');
      } finally {
        await server.close();
      }
    });
  });
});
