import type { MatchPolicy } from './uri.js';

interface WildcardNode<T> {
  /** Children by literal component; the empty string is the wildcard child. */
  readonly children: Map<string, WildcardNode<T>>;
  /** The value of the pattern that ends here, if any. */
  value: T | undefined;
}

function newNode<T>(): WildcardNode<T> {
  return { children: new Map(), value: undefined };
}

/**
 * URI patterns of all three policies, each with one value, looked up without scanning:
 * exact patterns in a Map, prefix patterns in Maps by length (only lengths in use are
 * tried), wildcard patterns in a trie of components. Lookups cost O(length of the URI),
 * whatever the number of patterns.
 */
export class PatternIndex<T> {
  readonly #exact = new Map<string, T>();
  readonly #prefix = new Map<string, T>();
  /** Distinct lengths of prefix patterns, longest first, with how many patterns have each. */
  #prefixLengths: number[] = [];
  readonly #prefixLengthCount = new Map<number, number>();
  readonly #wildcard = newNode<T>();
  #wildcardCount = 0;

  /** How many patterns are stored. */
  get size(): number {
    return this.#exact.size + this.#prefix.size + this.#wildcardCount;
  }

  /** The value stored for this pattern and policy. */
  get(pattern: string, policy: MatchPolicy): T | undefined {
    if (policy === 'exact') return this.#exact.get(pattern);
    if (policy === 'prefix') return this.#prefix.get(pattern);
    return this.#wildcardNode(pattern, false)?.value;
  }

  /** Stores (or replaces) the value of a pattern. */
  set(pattern: string, policy: MatchPolicy, value: T): void {
    if (policy === 'exact') {
      this.#exact.set(pattern, value);
    } else if (policy === 'prefix') {
      if (!this.#prefix.has(pattern)) this.#countPrefixLength(pattern.length, +1);
      this.#prefix.set(pattern, value);
    } else {
      const node = this.#wildcardNode(pattern, true)!;
      if (node.value === undefined) this.#wildcardCount++;
      node.value = value;
    }
  }

  /** Removes a pattern; true when it was there. */
  delete(pattern: string, policy: MatchPolicy): boolean {
    if (policy === 'exact') return this.#exact.delete(pattern);
    if (policy === 'prefix') {
      if (!this.#prefix.delete(pattern)) return false;
      this.#countPrefixLength(pattern.length, -1);
      return true;
    }
    return this.#deleteWildcard(this.#wildcard, pattern.split('.'), 0);
  }

  /** Calls `visit` with the value of every pattern that matches `uri` (exact, then prefixes longest first, then wildcards). */
  forEachMatch(uri: string, visit: (value: T, policy: MatchPolicy) => void): void {
    const exact = this.#exact.get(uri);
    if (exact !== undefined) visit(exact, 'exact');
    if (this.#prefix.size > 0) {
      for (const length of this.#prefixLengths) {
        if (length > uri.length) continue;
        const value = this.#prefix.get(length === uri.length ? uri : uri.slice(0, length));
        if (value !== undefined) visit(value, 'prefix');
      }
    }
    if (this.#wildcardCount > 0) this.#visitWildcards(this.#wildcard, uri.split('.'), 0, visit, false);
  }

  /**
   * The one pattern a call is routed to, by the spec's priority: exact, then the longest
   * prefix, then the wildcard whose literal components come first and longest.
   */
  best(uri: string): { value: T; policy: MatchPolicy } | undefined {
    const exact = this.#exact.get(uri);
    if (exact !== undefined) return { value: exact, policy: 'exact' };
    for (const length of this.#prefixLengths) {
      if (length > uri.length) continue;
      const value = this.#prefix.get(uri.slice(0, length));
      if (value !== undefined) return { value, policy: 'prefix' };
    }
    if (this.#wildcardCount === 0) return undefined;
    let found: T | undefined;
    this.#visitWildcards(this.#wildcard, uri.split('.'), 0, (v) => (found = v), true);
    return found === undefined ? undefined : { value: found, policy: 'wildcard' };
  }

  /** Every stored pattern with its policy and value. */
  *entries(): IterableIterator<[pattern: string, policy: MatchPolicy, value: T]> {
    for (const [p, v] of this.#exact) yield [p, 'exact', v];
    for (const [p, v] of this.#prefix) yield [p, 'prefix', v];
    const walk = function* (node: WildcardNode<T>, path: string[]): Generator<[string, MatchPolicy, T]> {
      if (node.value !== undefined && path.length > 0) yield [path.join('.'), 'wildcard', node.value];
      for (const [component, child] of node.children) yield* walk(child, [...path, component]);
    };
    yield* walk(this.#wildcard, []);
  }

  #countPrefixLength(length: number, delta: number): void {
    const count = (this.#prefixLengthCount.get(length) ?? 0) + delta;
    if (count === 0) this.#prefixLengthCount.delete(length);
    else this.#prefixLengthCount.set(length, count);
    if (count === 0 || (delta > 0 && count === 1)) {
      this.#prefixLengths = [...this.#prefixLengthCount.keys()].sort((a, b) => b - a);
    }
  }

  #wildcardNode(pattern: string, create: boolean): WildcardNode<T> | undefined {
    let node = this.#wildcard;
    for (const component of pattern.split('.')) {
      let child = node.children.get(component);
      if (child === undefined) {
        if (!create) return undefined;
        child = newNode();
        node.children.set(component, child);
      }
      node = child;
    }
    return node;
  }

  #deleteWildcard(node: WildcardNode<T>, components: string[], depth: number): boolean {
    if (depth === components.length) {
      if (node.value === undefined) return false;
      node.value = undefined;
      this.#wildcardCount--;
      return true;
    }
    const child = node.children.get(components[depth]!);
    if (child === undefined || !this.#deleteWildcard(child, components, depth + 1)) return false;
    if (child.value === undefined && child.children.size === 0) node.children.delete(components[depth]!);
    return true;
  }

  /** Depth-first, literal child before wildcard child: the first full match is the best one. Returns true to stop. */
  #visitWildcards(node: WildcardNode<T>, components: string[], depth: number, visit: (value: T, policy: MatchPolicy) => void, firstOnly: boolean): boolean {
    if (depth === components.length) {
      if (node.value === undefined) return false;
      visit(node.value, 'wildcard');
      return firstOnly;
    }
    const component = components[depth]!;
    const literal = component === '' ? undefined : node.children.get(component);
    if (literal !== undefined && this.#visitWildcards(literal, components, depth + 1, visit, firstOnly)) return true;
    const wild = node.children.get('');
    return wild !== undefined && this.#visitWildcards(wild, components, depth + 1, visit, firstOnly);
  }
}
