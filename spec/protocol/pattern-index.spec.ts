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
