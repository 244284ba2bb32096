import { cryptosignKeyPair } from '../../../src/auth/cryptosign.js';
import { toHex } from '../../../src/auth/hex.js';
import type { AuthChallenge, AuthIdentity, AuthOutcome, AuthRefusal, AuthRequest } from '../../../src/router/auth/authenticator.js';
import { cryptosignAuthenticator } from '../../../src/router/auth/cryptosign.js';
import { tlsAuthenticator } from '../../../src/router/auth/tls.js';
import { validateRealmAuthConfig } from '../../../src/router/auth/validate-config.js';
import type { ChannelBindingType, PeerCertificate, TlsChannel } from '../../../src/transport/tls-channel.js';

const KEY = 'd511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd';
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');

/** A TLS channel as a transport would report it, with fixed channel ids. */
function channel(certificate?: PeerCertificate, ids: Partial<Record<ChannelBindingType, Uint8Array>> = {}): TlsChannel {
  return { protocol: 'TLSv1.3', channelId: (type) => ids[type], peerCertificate: certificate };
}

function request(overrides: Partial<AuthRequest>): AuthRequest {
  return { realm: 'realm1', sessionId: 1, authid: undefined, authmethods: ['tls'], authextra: {}, peer: 'tls:127.0.0.1:1', ...overrides };
}

const alice = (authorized = true): PeerCertificate => ({
  subject: { CN: 'alice', O: 'rxwamp' },
  fingerprint256: FINGERPRINT,
  authorized,
  ...(authorized ? {} : { authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
});

const refusal = (outcome: AuthOutcome): string | undefined => ((outcome as AuthRefusal).refused ? (outcome as AuthRefusal).reason : undefined);

describe('the tls auth method (router)', () => {
  const authenticate = tlsAuthenticator({ principals: { alice: { authrole: 'backend' }, pinned: { authrole: 'ops', certificate_sha256: FINGERPRINT } } });

  it('welcomes a trusted certificate under its subject CN, without a challenge', () => {
    const outcome = authenticate(request({ tls: channel(alice()) })) as AuthIdentity;
    expect(outcome).toEqual({ authid: 'alice', authrole: 'backend', authmethod: 'tls', authprovider: 'static', authextra: { fingerprint256: FINGERPRINT } });
    expect(authenticate(request({ authid: 'alice', tls: channel(alice()) }))).toEqual(jasmine.objectContaining({ authid: 'alice' }));
  });

  it('refuses no TLS, no certificate, an untrusted one, another authid, an unknown CN, a wrong pin', () => {
    expect(refusal(authenticate(request({})))).toBe('wamp.error.not_authorized');
    expect(refusal(authenticate(request({ tls: channel() })))).toBe('wamp.error.not_authorized');
    expect(refusal(authenticate(request({ tls: channel(alice(false)) })))).toBe('wamp.error.authentication_failed');
    expect(refusal(authenticate(request({ authid: 'bob', tls: channel(alice()) })))).toBe('wamp.error.not_authorized');
    expect(refusal(authenticate(request({ tls: channel({ ...alice(), subject: { CN: 'mallory' } }) })))).toBe('wamp.error.not_authorized');
    expect(refusal(authenticate(request({ tls: channel({ ...alice(), subject: { O: 'no CN' } }) })))).toBe('wamp.error.not_authorized');
    expect(refusal(authenticate(request({ tls: channel({ ...alice(), subject: { CN: 'pinned' } }) })))).toBeUndefined();
    expect(refusal(authenticate(request({ tls: channel({ ...alice(), subject: { CN: 'pinned' }, fingerprint256: FINGERPRINT.replace(/^00/, '01') }) })))).toBe(
      'wamp.error.authentication_failed',
    );
    // Not a principal just because the name is on Object.prototype.
    expect(refusal(authenticate(request({ tls: channel({ ...alice(), subject: { CN: 'constructor' } }) })))).toBe('wamp.error.not_authorized');
  });

  it('is validated in a realm config', () => {
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: { authrole: 'backend', certificate_sha256: FINGERPRINT } } } })).not.toThrow();
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: {} } } })).toThrowError(TypeError, /auth\.tls\.principals\.alice\.authrole/);
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: { authrole: 'r', certificate_sha256: 'abc' } } } })).toThrowError(TypeError, /certificate_sha256/);
  });
});

describe('cryptosign channel binding (router)', () => {
  const pair = cryptosignKeyPair(KEY);
  const authenticate = cryptosignAuthenticator({ principals: { alice: { authorized_keys: [pair.publicKey], authrole: 'user' } } });
  const exporter = new Uint8Array(32).fill(7);
  const other = new Uint8Array(32).fill(9);

  it('binds to the channel id of the requested type and refuses a signature for another channel', async () => {
    const hello = request({ authmethods: ['cryptosign'], authextra: { pubkey: pair.publicKey, channel_binding: 'tls-exporter' }, tls: channel(undefined, { 'tls-exporter': exporter }) });
    const first = authenticate(hello) as AuthChallenge;
    expect(first.extra['channel_binding']).toBe('tls-exporter');
    const wrong = await first.verify(pair.sign(first.extra['challenge'] as string, toHex(other)), {});
    expect(refusal(wrong as AuthOutcome)).toBe('wamp.error.authentication_failed');
    const unbound = authenticate(hello) as AuthChallenge;
    expect(refusal((await unbound.verify(pair.sign(unbound.extra['challenge'] as string), {})) as AuthOutcome)).toBe('wamp.error.authentication_failed');
    const right = authenticate(hello) as AuthChallenge;
    const welcome = (await right.verify(pair.sign(right.extra['challenge'] as string, toHex(exporter)), {})) as AuthIdentity;
    expect(welcome.authextra).toEqual({ pubkey: pair.publicKey, channel_binding: 'tls-exporter' });
  });

  it('goes on unbound without TLS or when the TLS session cannot give the type; refuses an unknown type', () => {
    const plain = authenticate(request({ authmethods: ['cryptosign'], authextra: { pubkey: pair.publicKey, channel_binding: 'tls-unique' } })) as AuthChallenge;
    expect(plain.extra['channel_binding']).toBeNull();
    const tls12 = authenticate(request({ authmethods: ['cryptosign'], authextra: { pubkey: pair.publicKey, channel_binding: 'tls-exporter' }, tls: channel() })) as AuthChallenge;
    expect(tls12.extra['channel_binding']).toBeNull();
    const unknown = authenticate(request({ authmethods: ['cryptosign'], authextra: { pubkey: pair.publicKey, channel_binding: 'tls-server-end-point' } }));
    expect(refusal(unknown)).toBe('wamp.error.not_authorized');
  });
});
