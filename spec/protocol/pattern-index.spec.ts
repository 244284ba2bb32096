import { PatternIndex } from '../../src/protocol/pattern-index.js';
import type { MatchPolicy } from '../../src/protocol/uri.js';

describe('PatternIndex', () => {
  // The spec's own example of registration priority (pattern-based registrations).
  const registered: Array<[string, MatchPolicy, number]> = [
    ['a1.b2.c3.d4.e55', 'exact', 1],
    ['a1.b2.c3', 'prefix', 2],
    ['a1.b2.c3.d4', 'prefix', 3],
    ['a1.b2..d4.e5', 'wildcard', 4],
    ['a1.b2.c3..e5', 'wildcard', 5],
    ['a1.b2..d4.e5..g7', 'wildcard', 6],
    ['a1.b2..d4..f6.g7', 'wildcard', 7],
  ];
  let index: PatternIndex<number>;
  beforeEach(() => {
    index = new PatternIndex();
    for (const [p, m, v] of registered) index.set(p, m, v);
  });

  it('picks the best match by the spec priority', () => {
    expect(index.best('a1.b2.c3.d4.e55')?.value).toBe(1);
    expect(index.best('a1.b2.c3.d98.e74')?.value).toBe(2);
    expect(index.best('a1.b2.c3.d4.e325')?.value).toBe(3);
    expect(index.best('a1.b2.c55.d4.e5')?.value).toBe(4);
    expect(index.best('a1.b2.c3.d4.e5')?.value).toBe(3);
    expect(index.best('a1.b2.c88.d4.e5.f6.g7')?.value).toBe(6);
    expect(index.best('a2.b2.c2.d2.e2')).toBeUndefined();
  });

  it('prefers the longer literal run among wildcards when no prefix matches', () => {
    index.delete('a1.b2.c3', 'prefix');
    index.delete('a1.b2.c3.d4', 'prefix');
    expect(index.best('a1.b2.c3.d4.e5')?.value).toBe(5);
  });

  it('visits every match', () => {
    const seen: number[] = [];
    index.forEachMatch('a1.b2.c3.d4.e5', (v) => seen.push(v));
    expect(seen.sort()).toEqual([2, 3, 4, 5]);
  });

  it('matches prefixes by characters, as the spec example does', () => {
    const i = new PatternIndex<string>();
    i.set('com.myapp.myobject1', 'prefix', 'p');
    expect(i.best('com.myapp.myobject1-mysubobject1')?.value).toBe('p');
    expect(i.best('com.myapp.myobject1')?.value).toBe('p');
    expect(i.best('com.myapp.myobject')).toBeUndefined();
  });

  it('forgets deleted patterns and keeps its size', () => {
    expect(index.size).toBe(7);
    for (const [p, m] of registered) expect(index.delete(p, m)).toBeTrue();
    expect(index.size).toBe(0);
    expect(index.best('a1.b2.c3.d4.e55')).toBeUndefined();
    expect([...index.entries()]).toEqual([]);
  });
});

describe('PatternIndex lookups and bookkeeping', () => {
  it('get answers each policy from its own table', () => {
    const i = new PatternIndex<string>();
    i.set('a.b', 'exact', 'e');
    i.set('a.c', 'prefix', 'p');
    i.set('a..d', 'wildcard', 'w');
    expect([i.get('a.b', 'exact'), i.get('a.b', 'prefix'), i.get('a.b', 'wildcard')]).toEqual(['e', undefined, undefined]);
    expect([i.get('a.c', 'exact'), i.get('a.c', 'prefix'), i.get('a.c', 'wildcard')]).toEqual([undefined, 'p', undefined]);
    expect([i.get('a..d', 'exact'), i.get('a..d', 'prefix'), i.get('a..d', 'wildcard')]).toEqual([undefined, undefined, 'w']);
  });

  it('counts a replaced pattern once, whatever its policy', () => {
    const i = new PatternIndex<number>();
    for (const policy of ['exact', 'prefix', 'wildcard'] as const) {
      i.set('a..c', policy, 1);
      i.set('a..c', policy, 2);
    }
    expect(i.size).toBe(3);
    expect([...i.entries()]).toEqual([['a..c', 'exact', 2], ['a..c', 'prefix', 2], ['a..c', 'wildcard', 2]]);
  });

  it('delete returns false for a pattern that is not stored, and changes nothing', () => {
    const i = new PatternIndex<number>();
    i.set('a.b.c', 'wildcard', 1);
    i.set('a.b', 'prefix', 2);
    // 'a.b' and 'a' are inner nodes of the trie (no value): not stored patterns.
    const absent: Array<[string, MatchPolicy]> = [['a.b', 'wildcard'], ['a', 'wildcard'], ['x.y', 'wildcard'], ['a.b.c.d', 'wildcard'], ['a.b.c', 'prefix'], ['a.b', 'exact']];
    for (const [p, m] of absent) expect(i.delete(p, m)).withContext(`${p} ${m}`).toBeFalse();
    expect(i.size).toBe(2);
    expect([...i.entries()]).toEqual([['a.b', 'prefix', 2], ['a.b.c', 'wildcard', 1]]);
    expect(i.best('a.b.c')).toEqual({ value: 2, policy: 'prefix' });
  });

  it('entries lists every pattern with its policy and value, wildcards by their full pattern', () => {
    const i = new PatternIndex<number>();
    i.set('x.y', 'exact', 1);
    i.set('x.', 'prefix', 2);
    i.set('a', 'wildcard', 3);
    i.set('a..c', 'wildcard', 4);
    i.set('a.b.c', 'wildcard', 5);
    expect([...i.entries()]).toEqual([
      ['x.y', 'exact', 1],
      ['x.', 'prefix', 2],
      ['a', 'wildcard', 3],
      ['a..c', 'wildcard', 4],
      ['a.b.c', 'wildcard', 5],
    ]);
  });

  it('deleting a wildcard pattern keeps the patterns above and below it', () => {
    const i = new PatternIndex<number>();
    i.set('a', 'wildcard', 1);
    i.set('a.b', 'wildcard', 2);
    i.set('a.b.c', 'wildcard', 3);
    i.set('a..c.d', 'wildcard', 4);
    expect(i.delete('a.b', 'wildcard')).toBeTrue();
    expect(i.delete('a..c.d', 'wildcard')).toBeTrue();
    expect(i.size).toBe(2);
    expect([...i.entries()]).toEqual([['a', 'wildcard', 1], ['a.b.c', 'wildcard', 3]]);
    expect(i.best('a')).toEqual({ value: 1, policy: 'wildcard' });
    expect(i.best('a.b.c')).toEqual({ value: 3, policy: 'wildcard' });
    expect(i.best('a.b')).toBeUndefined();
    // 'a' keeps its value when its last child goes.
    expect(i.delete('a.b.c', 'wildcard')).toBeTrue();
    expect([...i.entries()]).toEqual([['a', 'wildcard', 1]]);
    expect(i.best('a')).toEqual({ value: 1, policy: 'wildcard' });
  });

  // The trie keeps children in insertion order, so entries() shows whether a stray empty
  // node was left behind: a lookup or a delete must leave the trie as if it had not happened.
  it('a wildcard lookup leaves no node behind', () => {
    const probed = new PatternIndex<number>();
    expect(probed.get('a.x', 'wildcard')).toBeUndefined();
    probed.set('a.y', 'wildcard', 1);
    probed.set('a.x', 'wildcard', 2);
    expect([...probed.entries()]).toEqual([['a.y', 'wildcard', 1], ['a.x', 'wildcard', 2]]);
  });

  it('deleting a wildcard pattern prunes its now empty branch', () => {
    const i = new PatternIndex<number>();
    i.set('a.x', 'wildcard', 1);
    expect(i.delete('a.x', 'wildcard')).toBeTrue();
    i.set('a.y', 'wildcard', 2);
    i.set('a.x', 'wildcard', 3);
    expect([...i.entries()]).toEqual([['a.y', 'wildcard', 2], ['a.x', 'wildcard', 3]]);
  });

  it('forEachMatch visits a prefix pattern equal to the URI once, and skips longer ones', () => {
    const i = new PatternIndex<string>();
    i.set('a.b', 'prefix', 'ab');
    i.set('a.b.c', 'prefix', 'abc');
    i.set('a', 'prefix', 'a');
    const seen: Array<[string, MatchPolicy]> = [];
    i.forEachMatch('a.b', (v, m) => seen.push([v, m]));
    expect(seen).toEqual([['ab', 'prefix'], ['a', 'prefix']]);
  });

  it('forEachMatch visits exact, then prefixes longest first, then wildcards', () => {
    const i = new PatternIndex<string>();
    i.set('a.b.c', 'wildcard', 'w-literal');
    i.set('a..c', 'wildcard', 'w');
    i.set('a', 'prefix', 'p1');
    i.set('a.b', 'prefix', 'p3');
    i.set('a.b.c', 'exact', 'e');
    const seen: Array<[string, MatchPolicy]> = [];
    i.forEachMatch('a.b.c', (v, m) => seen.push([v, m]));
    expect(seen).toEqual([['e', 'exact'], ['p3', 'prefix'], ['p1', 'prefix'], ['w-literal', 'wildcard'], ['w', 'wildcard']]);
  });

  it('an empty URI component is matched only by the wildcard child, once', () => {
    const i = new PatternIndex<string>();
    i.set('a..c', 'wildcard', 'w');
    const seen: string[] = [];
    i.forEachMatch('a..c', (v) => seen.push(v));
    expect(seen).toEqual(['w']);
  });

  it('best passes over a literal branch that ends without a pattern and takes the wildcard', () => {
    const i = new PatternIndex<string>();
    i.set('a.b.c.d', 'wildcard', 'deeper');
    i.set('a..c', 'wildcard', 'w');
    expect(i.best('a.b.c')).toEqual({ value: 'w', policy: 'wildcard' });
    const seen: string[] = [];
    i.forEachMatch('a.b.c', (v) => seen.push(v));
    expect(seen).toEqual(['w']);
  });

  // The class promises that only prefix lengths in use are tried. Record the keys looked up
  // in any Map while forEachMatch/best run (only prefix patterns are stored, so the lookups
  // are the exact table's one and one per prefix length).
  function lookups(run: () => void): unknown[] {
    const original = Map.prototype.get;
    const keys: unknown[] = [];
    Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
      keys.push(key);
      return original.call(this, key);
    };
    try {
      run();
    } finally {
      Map.prototype.get = original;
    }
    return keys;
  }

  it('tries only the prefix lengths still in use, after replacing and deleting prefixes', () => {
    const i = new PatternIndex<number>();
    i.set('a.b', 'prefix', 1);
    i.set('a.b', 'prefix', 2); // replaced: its length is still used by one pattern
    i.set('a.bcd', 'prefix', 3);
    i.set('x.y', 'prefix', 4); // same length as 'a.b'
    i.set('a.bcdefghij', 'prefix', 5); // longer than the URI below: skipped without a lookup
    expect(i.delete('a.bcd', 'prefix')).toBeTrue();
    expect(i.delete('x.y', 'prefix')).toBeTrue();
    expect(lookups(() => i.forEachMatch('a.bcdef', () => undefined))).toEqual(['a.bcdef', 'a.b']);
    expect(lookups(() => i.best('a.bcdef'))).toEqual(['a.bcdef', 'a.b']);
    expect(i.delete('a.b', 'prefix')).toBeTrue();
    expect(lookups(() => i.forEachMatch('a.bcdef', () => undefined))).toEqual(['a.bcdef']);
    expect(lookups(() => i.best('a.bcdef'))).toEqual(['a.bcdef']);
  });

  it('looks nothing up in the wildcard trie when no wildcard pattern is stored', () => {
    const i = new PatternIndex<number>();
    i.set('a.b.c', 'wildcard', 1);
    expect(i.delete('a.b.c', 'wildcard')).toBeTrue();
    expect(lookups(() => i.forEachMatch('a.b.c', () => undefined))).toEqual(['a.b.c']);
    expect(lookups(() => i.best('a.b.c'))).toEqual(['a.b.c']);
  });
});
