import { checkName, eventRoute, eventSubject, parseRegistrationKey, registrationKey, subjectToken } from '../../../src/node/cluster/subjects.js';

/** NATS subject matching: `*` one token, `>` one or more at the end. */
function natsMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

describe('cluster subjects', () => {
  it('keeps plain URI components and encodes the rest, so that no two components share a token', () => {
    expect(subjectToken('com')).toBe('com');
    for (const odd of ['*', '>', 'a b', '~x', 'ü', 'a/b']) {
      const token = subjectToken(odd);
      expect(token).toMatch(/^~[A-Za-z0-9_-]+$/);
      expect(token).not.toBe(subjectToken(`${odd}x`));
    }
  });

  it('routes exact, prefix and wildcard patterns onto NATS subjects that cover exactly what WAMP matches (prefixes refined locally)', () => {
    const cases: Array<[string, 'exact' | 'prefix' | 'wildcard', string, boolean]> = [
      ['com.a.b', 'exact', 'com.a.b', true],
      ['com.a.b', 'exact', 'com.a.bc', false],
      ['com.a', 'prefix', 'com.a.b.c', true],
      ['com.a', 'prefix', 'com.ab', true],
      ['com.a', 'prefix', 'org.a', false],
      ['com..b', 'wildcard', 'com.x.b', true],
      ['com..b', 'wildcard', 'com.x.y.b', false],
      ['com.*.b', 'exact', 'com.x.b', false],
    ];
    for (const [pattern, match, topic, expected] of cases) {
      expect(natsMatches(eventRoute('rxw.c', 'realm1', pattern, match), eventSubject('rxw.c', 'realm1', topic))).withContext(`${match} ${pattern} ~ ${topic}`).toBe(expected);
    }
    // Realms never see each other's events.
    expect(natsMatches(eventRoute('rxw.c', 'realm1', 'com', 'prefix'), eventSubject('rxw.c', 'realm2', 'com.x'))).toBeFalse();
  });

  it('writes registration keys that NATS KV accepts and reads them back', () => {
    const key = registrationKey('realm one', 'wildcard', 'com..ü');
    expect(key).toMatch(/^[-/_=.a-zA-Z0-9]+$/);
    expect(parseRegistrationKey(key)).toEqual({ realm: 'realm one', match: 'wildcard', procedure: 'com..ü' });
    expect(parseRegistrationKey('nonsense')).toBeUndefined();
  });

  it('refuses cluster and node names that cannot be subject tokens', () => {
    expect(checkName('node name', 'node-1_a')).toBe('node-1_a');
    expect(() => checkName('node name', 'a.b')).toThrowError(/only letters/);
  });
});
