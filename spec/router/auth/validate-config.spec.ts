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
});
