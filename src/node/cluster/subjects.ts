import type { MatchPolicy } from '../../protocol/uri.js';

/** NATS subject tokens rxwamp writes as they are; anything else is encoded (injectively, so no two URIs share a subject). */
const PLAIN = /^[A-Za-z0-9_-]+$/;

/** One URI component as a NATS subject token: plain when safe, else `~` and its base64url form. */
export function subjectToken(component: string): string {
  return PLAIN.test(component) ? component : `~${Buffer.from(component, 'utf8').toString('base64url')}`;
}

/** The subject a PUBLISH to `topic` in `realm` travels on. */
export function eventSubject(base: string, realm: string, topic: string): string {
  return `${base}.e.${subjectToken(realm)}.${topic.split('.').map(subjectToken).join('.')}`;
}

/**
 * The NATS subject a node subscribes to for a WAMP pattern: exact topics map one to one,
 * wildcard components onto `*`, and a prefix onto its complete components and `>` (WAMP
 * prefixes match by string, so a partial last component is matched again locally).
 */
export function eventRoute(base: string, realm: string, pattern: string, match: MatchPolicy): string {
  const head = `${base}.e.${subjectToken(realm)}`;
  if (match === 'exact') return eventSubject(base, realm, pattern);
  const components = pattern.split('.');
  if (match === 'wildcard') return `${head}.${components.map((c) => (c === '' ? '*' : subjectToken(c))).join('.')}`;
  components.pop();
  return components.length === 0 ? `${head}.>` : `${head}.${components.map(subjectToken).join('.')}.>`;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (text: string): string => Buffer.from(text, 'base64url').toString('utf8');

/** The key-value key of a registration: realm, match policy and procedure (KV keys allow few characters). */
export function registrationKey(realm: string, match: MatchPolicy, procedure: string): string {
  return `${b64(realm)}.${match}.${b64(procedure)}`;
}

/** The parts of a registration key, or undefined for a key rxwamp did not write. */
export function parseRegistrationKey(key: string): { realm: string; match: MatchPolicy; procedure: string } | undefined {
  const [realm, match, procedure, extra] = key.split('.');
  if (realm === undefined || procedure === undefined || extra !== undefined) return undefined;
  if (match !== 'exact' && match !== 'prefix' && match !== 'wildcard') return undefined;
  return { realm: unb64(realm), match, procedure: unb64(procedure) };
}

/** The key-value key of a retained event. */
export function retainedKey(realm: string, topic: string): string {
  return `${b64(realm)}.${b64(topic)}`;
}

/** The realm of a retained event's key. */
export function realmOfRetainedKey(key: string): string | undefined {
  const [realm, topic, extra] = key.split('.');
  return realm === undefined || topic === undefined || extra !== undefined ? undefined : unb64(realm);
}

/** Cluster and node names become subject tokens and bucket names: letters, digits, `_` and `-` only. */
export function checkName(what: string, name: string): string {
  if (!PLAIN.test(name)) throw new Error(`${what} '${name}' may contain only letters, digits, '_' and '-'`);
  return name;
}
