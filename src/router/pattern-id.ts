import type { MatchPolicy } from '../protocol/uri.js';

/**
 * A WAMP ID (1 to 2^53) derived from a realm and a pattern, so that every node of a
 * cluster gives the subscription of one pattern the same id without asking the others.
 * Two 32-bit FNV-style hashes make 53 bits; a collision with another pattern on the same
 * node is caught by the store, which then draws a random id instead.
 */
export function patternId(realm: string, pattern: string, match: MatchPolicy): number {
  const text = `${realm}\u0000${match}\u0000${pattern}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  const id = ((h1 >>> 0) % 0x200000) * 0x100000000 + (h2 >>> 0);
  return id === 0 ? 1 : id;
}
