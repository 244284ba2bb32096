import { isDict } from '../../protocol/dict.js';
import type { RealmAuthConfig } from './config.js';

const KNOWN_METHODS = ['anonymous', 'ticket', 'wampcra', 'cryptosign', 'tls'];
const FINGERPRINT = /^([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2}$/;
const PUBKEY = /^[0-9a-fA-F]{64}$/;

function fail(path: string, what: string): never {
  throw new TypeError(`auth config: ${path} ${what}`);
}

function requireString(value: unknown, path: string): void {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
}

function requireMap(value: unknown, path: string): Record<string, unknown> {
  if (!isDict(value)) fail(path, 'must be an object');
  return value;
}

function optionalPositiveInt(value: unknown, path: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
    fail(path, 'must be a positive integer');
  }
}

/**
 * Checks a realm's `auth` section (it usually comes from a JSON file) and throws a
 * TypeError naming the bad field, so a broken config fails at startup, not at a HELLO.
 */
export function validateRealmAuthConfig(value: unknown, path = 'auth'): asserts value is RealmAuthConfig {
  const auth = requireMap(value, path);
  for (const method of Object.keys(auth)) {
    if (!KNOWN_METHODS.includes(method)) fail(`${path}.${method}`, `is not a supported method (${KNOWN_METHODS.join(', ')})`);
  }
  if (auth['anonymous'] !== undefined) {
    const anonymous = requireMap(auth['anonymous'], `${path}.anonymous`);
    if (anonymous['authrole'] !== undefined) requireString(anonymous['authrole'], `${path}.anonymous.authrole`);
  }
  if (auth['ticket'] !== undefined) {
    const principals = requireMap(requireMap(auth['ticket'], `${path}.ticket`)['principals'], `${path}.ticket.principals`);
    for (const [authid, p] of Object.entries(principals)) {
      const at = `${path}.ticket.principals.${authid}`;
      const principal = requireMap(p, at);
      requireString(principal['ticket'], `${at}.ticket`);
      requireString(principal['authrole'], `${at}.authrole`);
    }
  }
  if (auth['wampcra'] !== undefined) {
    const users = requireMap(requireMap(auth['wampcra'], `${path}.wampcra`)['users'], `${path}.wampcra.users`);
    for (const [authid, u] of Object.entries(users)) {
      const at = `${path}.wampcra.users.${authid}`;
      const user = requireMap(u, at);
      requireString(user['secret'], `${at}.secret`);
      requireString(user['authrole'], `${at}.authrole`);
      if (user['salt'] !== undefined) requireString(user['salt'], `${at}.salt`);
      optionalPositiveInt(user['iterations'], `${at}.iterations`);
      optionalPositiveInt(user['keylen'], `${at}.keylen`);
    }
  }
  if (auth['cryptosign'] !== undefined) {
    const principals = requireMap(requireMap(auth['cryptosign'], `${path}.cryptosign`)['principals'], `${path}.cryptosign.principals`);
    for (const [authid, p] of Object.entries(principals)) {
      const at = `${path}.cryptosign.principals.${authid}`;
      const principal = requireMap(p, at);
      requireString(principal['authrole'], `${at}.authrole`);
      const keys = principal['authorized_keys'];
      if (!Array.isArray(keys)) fail(`${at}.authorized_keys`, 'must be an array of hex public keys');
      keys.forEach((key: unknown, i) => {
        if (typeof key !== 'string' || !PUBKEY.test(key)) fail(`${at}.authorized_keys[${i}]`, 'must be a 32-byte Ed25519 public key in hex');
      });
    }
  }
  if (auth['tls'] !== undefined) {
    const principals = requireMap(requireMap(auth['tls'], `${path}.tls`)['principals'], `${path}.tls.principals`);
    for (const [authid, p] of Object.entries(principals)) {
      const at = `${path}.tls.principals.${authid}`;
      const principal = requireMap(p, at);
      requireString(principal['authrole'], `${at}.authrole`);
      const pin = principal['certificate_sha256'];
      if (pin !== undefined && (typeof pin !== 'string' || !FINGERPRINT.test(pin))) fail(`${at}.certificate_sha256`, 'must be a SHA-256 fingerprint (32 colon-separated hex bytes)');
    }
  }
}
