import type { AuthIdentity } from '../../../src/router/auth/authenticator.js';
import { tlsAuthenticator } from '../../../src/router/auth/tls.js';
import { validateRealmAuthConfig } from '../../../src/router/auth/validate-config.js';
import type { PeerCertificate } from '../../../src/transport/tls-channel.js';
import { helloRequest, refused, tlsChannel } from './handshake.js';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');

const alice = (authorized = true): PeerCertificate => ({
  subject: { CN: 'alice', O: 'rxwamp' },
  fingerprint256: FINGERPRINT,
  authorized,
  ...(authorized ? {} : { authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
});

const NOT_AUTHORIZED = 'wamp.error.not_authorized';
const AUTHENTICATION_FAILED = 'wamp.error.authentication_failed';

describe('the tls auth method (router)', () => {
  const authenticate = tlsAuthenticator({ principals: { alice: { authrole: 'backend' }, pinned: { authrole: 'ops', certificate_sha256: FINGERPRINT } } });
  /** A HELLO over TLS with this client certificate. */
  const withCertificate = (certificate: PeerCertificate | undefined, authid?: string) =>
    authenticate(helloRequest({ authmethods: ['tls'], authid, tls: tlsChannel(certificate) }));

  it('welcomes a trusted certificate under its subject CN, without a challenge', () => {
    const outcome = withCertificate(alice()) as AuthIdentity;
    expect(outcome).toEqual({ authid: 'alice', authrole: 'backend', authmethod: 'tls', authprovider: 'static', authextra: { fingerprint256: FINGERPRINT } });
    expect(withCertificate(alice(), 'alice')).toEqual(jasmine.objectContaining({ authid: 'alice' }));
  });

  it('welcomes the pinned certificate, compared without regard to case', () => {
    const pinned = { ...alice(), subject: { CN: 'pinned' }, fingerprint256: FINGERPRINT.toLowerCase() };
    expect(withCertificate(pinned)).toEqual(jasmine.objectContaining({ authid: 'pinned', authrole: 'ops' }));
  });

  it('refuses a peer without TLS or without a client certificate', () => {
    const none = refused(NOT_AUTHORIZED, 'tls authentication needs a client certificate over TLS (and a listener with a ca)');
    expect(authenticate(helloRequest({ authmethods: ['tls'] }))).toEqual(none);
    expect(withCertificate(undefined)).toEqual(none);
  });

  it('refuses an untrusted certificate, saying why when the transport knows', () => {
    expect(withCertificate(alice(false))).toEqual(
      refused(AUTHENTICATION_FAILED, 'the client certificate is not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
    );
    expect(withCertificate({ ...alice(), authorized: false })).toEqual(
      refused(AUTHENTICATION_FAILED, 'the client certificate is not trusted: unknown reason'),
    );
  });

  it('refuses a certificate without a subject CN, or with an empty one', () => {
    const noCn = refused(NOT_AUTHORIZED, 'the client certificate has no subject CN to take the authid from');
    expect(withCertificate({ ...alice(), subject: { O: 'no CN' } })).toEqual(noCn);
    expect(withCertificate({ ...alice(), subject: { CN: '' } })).toEqual(noCn);
  });

  it('refuses another authid than the CN, an unknown CN and a wrong pin', () => {
    expect(withCertificate(alice(), 'bob')).toEqual(refused(NOT_AUTHORIZED, 'the client certificate is for "alice", not for authid "bob"'));
    expect(withCertificate({ ...alice(), subject: { CN: 'mallory' } })).toEqual(refused(NOT_AUTHORIZED, 'no tls principal "mallory" exists'));
    // Not a principal just because the name is on Object.prototype.
    expect(withCertificate({ ...alice(), subject: { CN: 'constructor' } })).toEqual(refused(NOT_AUTHORIZED, 'no tls principal "constructor" exists'));
    expect(withCertificate({ ...alice(), subject: { CN: 'pinned' }, fingerprint256: FINGERPRINT.replace(/^00/, '01') })).toEqual(
      refused(AUTHENTICATION_FAILED, 'the client certificate of "pinned" is not the one pinned for it'),
    );
  });

  it('is validated in a realm config', () => {
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: { authrole: 'backend', certificate_sha256: FINGERPRINT } } } })).not.toThrow();
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: {} } } })).toThrowError(TypeError, /auth\.tls\.principals\.alice\.authrole/);
    expect(() => validateRealmAuthConfig({ tls: { principals: { alice: { authrole: 'r', certificate_sha256: 'abc' } } } })).toThrowError(TypeError, /certificate_sha256/);
  });
});
