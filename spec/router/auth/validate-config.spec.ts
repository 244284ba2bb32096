import { authenticatorFromConfig } from '../../../src/router/auth/from-config.js';
import type { RealmAuthConfig } from '../../../src/router/auth/config.js';
import { validateRealmAuthConfig } from '../../../src/router/auth/validate-config.js';

describe('validateRealmAuthConfig', () => {
  it('accepts the architecture example', () => {
    const example = {
      anonymous: { authrole: 'anonymous' },
      ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'frontend' } } },
      wampcra: {
        users: {
          peter: { secret: 'secret1', authrole: 'backend' },
          paul: { secret: 'qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=', salt: 'salt123', iterations: 100, keylen: 32, authrole: 'backend' },
        },
      },
      cryptosign: { principals: { alice: { authorized_keys: ['545efb0a2192db8d43f118e9bf9aee081466e1ef36c708b96ee6f62dddad9122'], authrole: 'backend' } } },
    };
    expect(() => validateRealmAuthConfig(example)).not.toThrow();
    expect(() => authenticatorFromConfig(example)).not.toThrow();
    expect(() => validateRealmAuthConfig({})).not.toThrow();
  });

  it('names the bad field of a broken config', () => {
    const cases: [unknown, RegExp][] = [
      [null, /auth must be an object/],
      [{ kerberos: {} }, /auth\.kerberos is not a supported method/],
      [{ anonymous: { authrole: 3 } }, /auth\.anonymous\.authrole/],
      [{ ticket: {} }, /auth\.ticket\.principals must be an object/],
      [{ ticket: { principals: { joe: { authrole: 'r' } } } }, /auth\.ticket\.principals\.joe\.ticket/],
      [{ wampcra: { users: { p: { secret: 's' } } } }, /auth\.wampcra\.users\.p\.authrole/],
      [{ wampcra: { users: { p: { secret: 's', authrole: 'r', iterations: 0 } } } }, /iterations must be a positive integer/],
      [{ wampcra: { users: { p: { secret: 's', authrole: 'r', salt: 5 } } } }, /\.salt must be/],
      [{ cryptosign: { principals: { a: { authrole: 'r', authorized_keys: 'abc' } } } }, /authorized_keys must be an array/],
      [{ cryptosign: { principals: { a: { authrole: 'r', authorized_keys: ['abc'] } } } }, /authorized_keys\[0\] must be a 32-byte/],
    ];
    for (const [config, message] of cases) {
      expect(() => validateRealmAuthConfig(config)).withContext(JSON.stringify(config)).toThrowError(TypeError, message);
      // (null counts as an absent section for authenticatorFromConfig: anonymous only)
      if (config !== null) expect(() => authenticatorFromConfig(config as RealmAuthConfig)).toThrowError(TypeError);
    }
  });

  it('says exactly which field is wrong and how', () => {
    const KEY = '545efb0a2192db8d43f118e9bf9aee081466e1ef36c708b96ee6f62dddad9122';
    const PIN = Array.from({ length: 32 }, () => 'AB').join(':');
    const user = { secret: 's', authrole: 'r' };
    const cases: [unknown, string][] = [
      [{ kerberos: {} }, 'auth.kerberos is not a supported method (anonymous, ticket, wampcra, cryptosign, tls)'],
      [{ anonymous: 5 }, 'auth.anonymous must be an object'],
      [{ anonymous: { authrole: '' } }, 'auth.anonymous.authrole must be a non-empty string'],
      [{ ticket: 5 }, 'auth.ticket must be an object'],
      [{ ticket: { principals: { joe: 5 } } }, 'auth.ticket.principals.joe must be an object'],
      [{ ticket: { principals: { joe: { ticket: 't' } } } }, 'auth.ticket.principals.joe.authrole must be a non-empty string'],
      [{ ticket: { principals: { joe: { ticket: '', authrole: 'r' } } } }, 'auth.ticket.principals.joe.ticket must be a non-empty string'],
      [{ wampcra: 5 }, 'auth.wampcra must be an object'],
      [{ wampcra: {} }, 'auth.wampcra.users must be an object'],
      [{ wampcra: { users: { p: 5 } } }, 'auth.wampcra.users.p must be an object'],
      [{ wampcra: { users: { p: { authrole: 'r' } } } }, 'auth.wampcra.users.p.secret must be a non-empty string'],
      [{ wampcra: { users: { p: { ...user, salt: '' } } } }, 'auth.wampcra.users.p.salt must be a non-empty string'],
      [{ wampcra: { users: { p: { ...user, iterations: 1.5 } } } }, 'auth.wampcra.users.p.iterations must be a positive integer'],
      [{ wampcra: { users: { p: { ...user, iterations: '100' } } } }, 'auth.wampcra.users.p.iterations must be a positive integer'],
      [{ wampcra: { users: { p: { ...user, keylen: 0 } } } }, 'auth.wampcra.users.p.keylen must be a positive integer'],
      [{ cryptosign: 5 }, 'auth.cryptosign must be an object'],
      [{ cryptosign: {} }, 'auth.cryptosign.principals must be an object'],
      [{ cryptosign: { principals: { a: 5 } } }, 'auth.cryptosign.principals.a must be an object'],
      [{ cryptosign: { principals: { a: { authorized_keys: [KEY] } } } }, 'auth.cryptosign.principals.a.authrole must be a non-empty string'],
      [{ cryptosign: { principals: { a: { authrole: 'r' } } } }, 'auth.cryptosign.principals.a.authorized_keys must be an array of hex public keys'],
      [{ cryptosign: { principals: { a: { authrole: 'r', authorized_keys: [KEY, `${KEY}00`] } } } }, 'auth.cryptosign.principals.a.authorized_keys[1] must be a 32-byte Ed25519 public key in hex'],
      [{ cryptosign: { principals: { a: { authrole: 'r', authorized_keys: [`00${KEY}`] } } } }, 'auth.cryptosign.principals.a.authorized_keys[0] must be a 32-byte Ed25519 public key in hex'],
      [{ cryptosign: { principals: { a: { authrole: 'r', authorized_keys: [7] } } } }, 'auth.cryptosign.principals.a.authorized_keys[0] must be a 32-byte Ed25519 public key in hex'],
      [{ tls: 5 }, 'auth.tls must be an object'],
      [{ tls: {} }, 'auth.tls.principals must be an object'],
      [{ tls: { principals: { a: 5 } } }, 'auth.tls.principals.a must be an object'],
      [{ tls: { principals: { a: { authrole: 'r', certificate_sha256: `${PIN}:CD` } } } }, 'auth.tls.principals.a.certificate_sha256 must be a SHA-256 fingerprint (32 colon-separated hex bytes)'],
      [{ tls: { principals: { a: { authrole: 'r', certificate_sha256: `CD:${PIN}` } } } }, 'auth.tls.principals.a.certificate_sha256 must be a SHA-256 fingerprint (32 colon-separated hex bytes)'],
      [{ tls: { principals: { a: { authrole: 'r', certificate_sha256: 32 } } } }, 'auth.tls.principals.a.certificate_sha256 must be a SHA-256 fingerprint (32 colon-separated hex bytes)'],
    ];
    for (const [config, message] of cases) {
      expect(() => validateRealmAuthConfig(config)).withContext(JSON.stringify(config)).toThrowError(TypeError, `auth config: ${message}`);
    }
    // The path prefix is the caller's (a realm config names the realm's section).
    expect(() => validateRealmAuthConfig({ anonymous: 5 }, 'realms[0].auth')).toThrowError(TypeError, 'auth config: realms[0].auth.anonymous must be an object');
  });

  it('accepts the smallest valid values and the optional fields left out', () => {
    const KEY = '545EFB0A2192DB8D43F118E9BF9AEE081466E1EF36C708B96EE6F62DDDAD9122';
    const config = {
      anonymous: {},
      wampcra: { users: { p: { secret: 's', authrole: 'r', salt: 'x', iterations: 1, keylen: 1 } } },
      cryptosign: { principals: { a: { authrole: 'r', authorized_keys: [KEY] } } },
      tls: { principals: { a: { authrole: 'r' }, b: { authrole: 'r', certificate_sha256: Array.from({ length: 32 }, () => 'ab').join(':') } } },
    };
    expect(() => validateRealmAuthConfig(config)).not.toThrow();
  });
});
