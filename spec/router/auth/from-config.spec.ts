import { firstValueFrom, isObservable } from 'rxjs';
import { deriveWampcraKey } from '../../../src/auth/wampcra.js';
import { anonymousAuth } from '../../../src/client/auth/anonymous.js';
import { cryptosignAuth, cryptosignPublicKey } from '../../../src/client/auth/cryptosign.js';
import { ticketAuth } from '../../../src/client/auth/ticket.js';
import { wampcraAuth } from '../../../src/client/auth/wampcra.js';
import type { AuthChallenge, AuthOutcome } from '../../../src/router/auth/authenticator.js';
import { isChallenge, isRefusal } from '../../../src/router/auth/authenticator.js';
import type { RealmAuthConfig } from '../../../src/router/auth/config.js';
import { authenticatorFromConfig } from '../../../src/router/auth/from-config.js';
import { runAuthenticator, verifyChallenge } from '../../../src/router/auth/resolve-outcome.js';
import { CRYPTOSIGN_VECTORS, SPEC_EXAMPLE_PUBKEY, WAMPCRA_VECTORS } from '../../auth/vectors.js';
import { handshake, helloRequest, refused, tlsChannel } from './handshake.js';

const ALICE_KEY = CRYPTOSIGN_VECTORS[0]!.privateKey;
const BOB_KEY = CRYPTOSIGN_VECTORS[1]!.privateKey;
const MALLORY_KEY = CRYPTOSIGN_VECTORS[2]!.privateKey;

function realmAuth(): RealmAuthConfig {
  return {
    anonymous: { authrole: 'guest' },
    ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'frontend' } } },
    wampcra: {
      users: {
        peter: { secret: 'secret1', authrole: 'backend' },
        paul: { secret: WAMPCRA_VECTORS.derivedKey, salt: WAMPCRA_VECTORS.salt, authrole: 'backend' },
      },
    },
    cryptosign: {
      principals: {
        alice: { authorized_keys: [cryptosignPublicKey(ALICE_KEY).toUpperCase(), SPEC_EXAMPLE_PUBKEY], authrole: 'backend' },
        bob: { authorized_keys: [cryptosignPublicKey(BOB_KEY)], authrole: 'frontend' },
      },
    },
  };
}

function expectIdentity(outcome: AuthOutcome, authid: string, authrole: string, authmethod: string): void {
  expect(isRefusal(outcome)).withContext(JSON.stringify(outcome)).toBeFalse();
  expect(isChallenge(outcome)).toBeFalse();
  expect(outcome).toEqual(jasmine.objectContaining({ authid, authrole, authmethod, authprovider: 'static' }));
}

function expectRefusal(outcome: AuthOutcome, reason: string): void {
  expect(isRefusal(outcome)).withContext(JSON.stringify(outcome)).toBeTrue();
  expect((outcome as { reason: string }).reason).toBe(reason);
}

describe('authenticatorFromConfig', () => {
  describe('without an auth config', () => {
    const auth = authenticatorFromConfig(undefined);

    it('welcomes anonymous peers at once as role anonymous, with a random authid', async () => {
      const { first } = await handshake(auth, [anonymousAuth()]);
      expectIdentity(first, jasmine.any(String) as unknown as string, 'anonymous', 'anonymous');
      const other = (await handshake(auth, [anonymousAuth()])).first as { authid: string };
      expect((first as { authid: string }).authid).not.toBe(other.authid);
      expect(other.authid.length).toBeGreaterThanOrEqual(16);
    });

    it("keeps the peer's own authid", async () => {
      expectIdentity((await handshake(auth, [anonymousAuth()], { authid: 'kiosk-7' })).first, 'kiosk-7', 'anonymous', 'anonymous');
    });

    it('refuses any other method with no_matching_auth_method', async () => {
      const { final } = await handshake(auth, [ticketAuth('t')], { authid: 'joe' });
      expectRefusal(final, 'wamp.error.no_matching_auth_method');
    });
  });

  describe('with the example config', () => {
    const auth = authenticatorFromConfig(realmAuth());

    it('anonymous: uses the configured authrole', async () => {
      expectIdentity((await handshake(auth, [anonymousAuth()])).first, jasmine.any(String) as unknown as string, 'guest', 'anonymous');
    });

    it('ticket: challenges, then welcomes the right ticket', async () => {
      const { first, final } = await handshake(auth, [ticketAuth('secret-ticket')], { authid: 'joe' });
      expect(isChallenge(first)).toBeTrue();
      expect((first as AuthChallenge).method).toBe('ticket');
      expect((first as AuthChallenge).extra).toEqual({});
      expectIdentity(final, 'joe', 'frontend', 'ticket');
    });

    it('ticket: wrong ticket fails, unknown or missing authid is not authorized', async () => {
      expectRefusal((await handshake(auth, [ticketAuth('secret-ticket!')], { authid: 'joe' })).final, 'wamp.error.authentication_failed');
      expectRefusal((await handshake(auth, [ticketAuth('secret-ticke')], { authid: 'joe' })).final, 'wamp.error.authentication_failed');
      expectRefusal((await handshake(auth, [ticketAuth('secret-ticket')], { authid: 'jim' })).final, 'wamp.error.not_authorized');
      expectRefusal((await handshake(auth, [ticketAuth('secret-ticket')])).final, 'wamp.error.not_authorized');
    });

    it('authids that name Object.prototype members are unknown principals', async () => {
      for (const authid of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        expectRefusal((await handshake(auth, [ticketAuth('x')], { authid })).final, 'wamp.error.not_authorized');
        expectRefusal((await handshake(auth, [wampcraAuth('x')], { authid })).final, 'wamp.error.not_authorized');
      }
    });

    it('wampcra: the challenge is the spec JSON bound to the session id', async () => {
      const request = helloRequest({ authmethods: ['wampcra'], authid: 'peter', sessionId: 1234567 });
      const challenge = (await firstValueFrom(runAuthenticator(auth, request))) as AuthChallenge;
      expect(challenge.method).toBe('wampcra');
      expect(Object.keys(challenge.extra)).toEqual(['challenge']);
      const parsed = JSON.parse(challenge.extra['challenge'] as string) as Record<string, unknown>;
      expect(parsed).toEqual({
        authid: 'peter',
        authrole: 'backend',
        authmethod: 'wampcra',
        authprovider: 'static',
        nonce: jasmine.any(String),
        timestamp: jasmine.any(String),
        session: 1234567,
      });
    });

    it('wampcra: welcomes the right secret, refuses a wrong one', async () => {
      expectIdentity((await handshake(auth, [wampcraAuth('secret1')], { authid: 'peter' })).final, 'peter', 'backend', 'wampcra');
      expectRefusal((await handshake(auth, [wampcraAuth('secret2')], { authid: 'peter' })).final, 'wamp.error.authentication_failed');
      expectRefusal((await handshake(auth, [wampcraAuth('secret1')], { authid: 'nobody' })).final, 'wamp.error.not_authorized');
      expectRefusal((await handshake(auth, [wampcraAuth('secret1')])).final, 'wamp.error.not_authorized');
    });

    it('wampcra salted: sends salt/iterations/keylen and welcomes the password behind the stored key', async () => {
      const { first, final } = await handshake(auth, [wampcraAuth(WAMPCRA_VECTORS.secret)], { authid: 'paul' });
      expect((first as AuthChallenge).extra).toEqual(
        jasmine.objectContaining({ salt: 'salt123', iterations: 1000, keylen: 32 }),
      );
      expectIdentity(final, 'paul', 'backend', 'wampcra');
      // the stored derived key is not the password: using it as one fails
      expectRefusal((await handshake(auth, [wampcraAuth(WAMPCRA_VECTORS.derivedKey)], { authid: 'paul' })).final, 'wamp.error.authentication_failed');
    });

    it('wampcra salted: honours custom iterations and keylen', async () => {
      const key = await deriveWampcraKey('hunter2', 'pepper', 100, 16);
      const custom = authenticatorFromConfig({
        wampcra: { users: { mary: { secret: key, salt: 'pepper', iterations: 100, keylen: 16, authrole: 'ops' } } },
      });
      const { first, final } = await handshake(custom, [wampcraAuth('hunter2')], { authid: 'mary' });
      expect((first as AuthChallenge).extra).toEqual(jasmine.objectContaining({ salt: 'pepper', iterations: 100, keylen: 16 }));
      expectIdentity(final, 'mary', 'ops', 'wampcra');
    });

    it('cryptosign: identifies the principal by its public key (any case in the config)', async () => {
      const { first, final } = await handshake(auth, [cryptosignAuth(ALICE_KEY)]);
      expect((first as AuthChallenge).method).toBe('cryptosign');
      expect((first as AuthChallenge).extra['challenge']).toMatch(/^[0-9a-f]{64}$/);
      expect((first as AuthChallenge).extra['channel_binding']).toBeNull();
      expectIdentity(final, 'alice', 'backend', 'cryptosign');
      expectIdentity((await handshake(auth, [cryptosignAuth(BOB_KEY)], { authid: 'bob' })).final, 'bob', 'frontend', 'cryptosign');
    });

    it('cryptosign: unknown key, key of another principal, or no key is not authorized', async () => {
      expectRefusal((await handshake(auth, [cryptosignAuth(MALLORY_KEY)])).final, 'wamp.error.not_authorized');
      expectRefusal((await handshake(auth, [cryptosignAuth(BOB_KEY)], { authid: 'alice' })).final, 'wamp.error.not_authorized');
      const noKey = helloRequest({ authmethods: ['cryptosign'], authid: 'alice' });
      expectRefusal(await firstValueFrom(runAuthenticator(auth, noKey)), 'wamp.error.not_authorized');
      const badKey = helloRequest({ authmethods: ['cryptosign'], authextra: { pubkey: 'zz' } });
      expectRefusal(await firstValueFrom(runAuthenticator(auth, badKey)), 'wamp.error.not_authorized');
    });

    it("cryptosign: a signature by another key than the announced one fails", async () => {
      const liar = { ...cryptosignAuth(MALLORY_KEY), helloExtra: () => ({ pubkey: SPEC_EXAMPLE_PUBKEY }) };
      const { first, final } = await handshake(auth, [liar]);
      expect(isChallenge(first)).toBeTrue();
      expectRefusal(final, 'wamp.error.authentication_failed');
    });

    it('cryptosign: a replayed answer to an old challenge fails', async () => {
      const client = cryptosignAuth(ALICE_KEY);
      const request = helloRequest({ authmethods: ['cryptosign'], authextra: client.helloExtra!() });
      const old = (await firstValueFrom(runAuthenticator(auth, request))) as AuthChallenge;
      const oldAnswer = await client.respond(old.extra);
      const fresh = (await firstValueFrom(runAuthenticator(auth, request))) as AuthChallenge;
      expect(fresh.extra['challenge']).not.toBe(old.extra['challenge']);
      expectRefusal(await firstValueFrom(verifyChallenge(fresh, oldAnswer.signature, {})), 'wamp.error.authentication_failed');
    });

    it('a challenge can be answered once only', async () => {
      const request = helloRequest({ authmethods: ['ticket'], authid: 'joe' });
      const challenge = (await firstValueFrom(runAuthenticator(auth, request))) as AuthChallenge;
      expectIdentity(await firstValueFrom(verifyChallenge(challenge, 'secret-ticket', {})), 'joe', 'frontend', 'ticket');
      expectRefusal(await firstValueFrom(verifyChallenge(challenge, 'secret-ticket', {})), 'wamp.error.authentication_failed');
    });

    it('a non-string signature is refused, not thrown', async () => {
      const request = helloRequest({ authmethods: ['wampcra'], authid: 'peter' });
      const challenge = (await firstValueFrom(runAuthenticator(auth, request))) as AuthChallenge;
      expectRefusal(await firstValueFrom(verifyChallenge(challenge, 42 as unknown as string, {})), 'wamp.error.authentication_failed');
    });

    it("picks the first of the client's methods that the realm allows", async () => {
      const both = await handshake(auth, [ticketAuth('secret-ticket'), anonymousAuth()], { authid: 'joe' });
      expectIdentity(both.final, 'joe', 'frontend', 'ticket');
      const anonFirst = await handshake(auth, [anonymousAuth(), ticketAuth('secret-ticket')], { authid: 'joe' });
      expectIdentity(anonFirst.final, 'joe', 'guest', 'anonymous');
      const unknownFirst = await handshake(auth, [{ method: 'scram', respond: () => Promise.reject(new Error()) }, wampcraAuth('secret1')], { authid: 'peter' });
      expectIdentity(unknownFirst.final, 'peter', 'backend', 'wampcra');
    });

    it('never puts a secret in a challenge or a refusal', async () => {
      const outcomes: AuthOutcome[] = [];
      for (const [methods, authid] of [
        [[ticketAuth('wrong')], 'joe'],
        [[wampcraAuth('wrong')], 'peter'],
        [[wampcraAuth('wrong')], 'paul'],
        [[cryptosignAuth(MALLORY_KEY)], undefined],
      ] as const) {
        const { first, final } = await handshake(auth, methods, authid === undefined ? {} : { authid });
        outcomes.push(first, final);
      }
      const text = JSON.stringify(outcomes);
      for (const secret of ['secret-ticket', 'secret1', WAMPCRA_VECTORS.derivedKey, ALICE_KEY, BOB_KEY, MALLORY_KEY]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('with only some methods', () => {
    it('names the offered and the allowed methods when none matches', async () => {
      const auth = authenticatorFromConfig({ anonymous: {}, ticket: { principals: {} }, tls: { principals: {} } });
      expect(await firstValueFrom(runAuthenticator(auth, helloRequest({ authmethods: ['wampcra', 'scram'] })))).toEqual(
        refused('wamp.error.no_matching_auth_method', 'cannot authenticate using any of the offered authmethods [wampcra, scram]; realm allows [anonymous, ticket, tls]'),
      );
    });

    it('tls: lets the tls method decide on the client certificate', async () => {
      const auth = authenticatorFromConfig({ tls: { principals: { alice: { authrole: 'backend' } } } });
      const certificate = { subject: { CN: 'alice' }, fingerprint256: '00', authorized: true };
      const outcome = await firstValueFrom(runAuthenticator(auth, helloRequest({ authmethods: ['tls'], tls: tlsChannel(certificate) })));
      expectIdentity(outcome, 'alice', 'backend', 'tls');
    });

    it('refuses anonymous when the realm lists only ticket', async () => {
      const auth = authenticatorFromConfig({ ticket: { principals: { joe: { ticket: 't', authrole: 'r' } } } });
      expectRefusal((await handshake(auth, [anonymousAuth()])).final, 'wamp.error.no_matching_auth_method');
      expectRefusal(await firstValueFrom(runAuthenticator(auth, helloRequest())), 'wamp.error.no_matching_auth_method');
    });

    it('answers synchronously for anonymous (no Promise, no Observable)', () => {
      const outcome = authenticatorFromConfig(undefined)(helloRequest());
      expect(isObservable(outcome)).toBeFalse();
      expect(outcome instanceof Promise).toBeFalse();
    });
  });
});
