import type { Dict } from '../../protocol/dict.js';
import {
  WAMPCRA_DEFAULT_ITERATIONS,
  WAMPCRA_DEFAULT_KEYLEN,
  deriveWampcraKey,
  signWampcra,
} from '../../auth/wampcra.js';
import type { AuthResponse, ClientAuthMethod } from './auth-method.js';

// A router could ask for absurd PBKDF2 work; beyond this we refuse rather than hang the page.
const MAX_ITERATIONS = 10_000_000;

function optionalPositiveInt(extra: Dict, key: string, fallback: number): number {
  const value = extra[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`wampcra CHALLENGE.Extra.${key} must be a positive integer`);
  }
  return value;
}

/**
 * WAMP-CRA with a shared secret. When CHALLENGE.Extra has a `salt`, the secret is a password
 * and the HMAC key is derived from it with PBKDF2 (`iterations`, `keylen`), as Autobahn does.
 */
export function wampcraAuth(secret: string): ClientAuthMethod {
  return {
    method: 'wampcra',
    async respond(extra: Dict): Promise<AuthResponse> {
      const challenge = extra['challenge'];
      if (typeof challenge !== 'string') throw new TypeError('wampcra CHALLENGE.Extra.challenge must be a string');
      const salt = extra['salt'];
      let key = secret;
      if (salt !== undefined && salt !== null) {
        if (typeof salt !== 'string') throw new TypeError('wampcra CHALLENGE.Extra.salt must be a string');
        const iterations = optionalPositiveInt(extra, 'iterations', WAMPCRA_DEFAULT_ITERATIONS);
        const keylen = optionalPositiveInt(extra, 'keylen', WAMPCRA_DEFAULT_KEYLEN);
        if (iterations > MAX_ITERATIONS) throw new RangeError(`wampcra iterations ${iterations} exceed ${MAX_ITERATIONS}`);
        key = await deriveWampcraKey(secret, salt, iterations, keylen);
      }
      return { signature: await signWampcra(key, challenge) };
    },
  };
}
