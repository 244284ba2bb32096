/** How a subscription or registration URI is matched: the spec's three policies. */
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

const LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const STRICT = /^([0-9a-z_]+\.)*([0-9a-z_]+)$/;
const LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
const STRICT_EMPTY = /^(([0-9a-z_]+\.)|\.)*([0-9a-z_]+)?$/;

/** Which URI rules to apply. */
export interface UriRules {
  /** Strict URIs allow only `[0-9a-z_]` in components; loose ones anything but `.`, `#` and whitespace. */
  readonly strict?: boolean;
  /** Allow empty components, as prefix and wildcard patterns need. */
  readonly allowEmptyComponents?: boolean;
}

/** Checks a URI against the spec's loose (default) or strict rules, optionally allowing empty components. */
export function isValidUri(uri: string, rules: UriRules = {}): boolean {
  const re = rules.strict ? (rules.allowEmptyComponents ? STRICT_EMPTY : STRICT) : rules.allowEmptyComponents ? LOOSE_EMPTY : LOOSE;
  return re.test(uri);
}

/** Checks the URI of a subscription or registration for its match policy (patterns may have empty components). */
export function isValidPattern(pattern: string, policy: MatchPolicy, strict = false): boolean {
  if (policy === 'exact') return isValidUri(pattern, { strict });
  return isValidUri(pattern, { strict, allowEmptyComponents: true });
}

/** True for URIs in the reserved `wamp.` namespace, which only routers may use. */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}

/**
 * Does `uri` match `pattern` under `policy`? Prefix matching is by characters, as the
 * spec's example (`com.myapp.myobject1` matches `com.myapp.myobject1-mysubobject1`) shows;
 * wildcard matching is by whole components, an empty component matching any one.
 */
export function uriMatches(pattern: string, policy: MatchPolicy, uri: string): boolean {
  if (policy === 'exact') return pattern === uri;
  if (policy === 'prefix') return uri.startsWith(pattern);
  const p = pattern.split('.');
  const u = uri.split('.');
  if (p.length !== u.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== '' && p[i] !== u[i]) return false;
  return true;
}
