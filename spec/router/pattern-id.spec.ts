import { isId } from '../../src/protocol/ids.js';
import { patternId } from '../../src/router/pattern-id.js';

describe('patternId', () => {
  it('derives the same id from the same (realm, pattern, match), on every node and in every release', () => {
    // The nodes of a cluster compute these independently: a change of the hash splits a
    // mixed-version cluster's subscriptions, so the values are pinned.
    expect(patternId('realm1', 'com.example.topic', 'exact')).toBe(615384465032431);
    expect(patternId('realm1', 'com.example', 'prefix')).toBe(1265231671100886);
    expect(patternId('realm1', 'com..topic', 'wildcard')).toBe(2181438531816476);
    expect(patternId('', '', 'exact')).toBe(2455805116061281);
    expect(patternId('realm1', 'com.example.topic', 'exact')).toBe(patternId('realm1', 'com.example.topic', 'exact'));
  });

  it('gives different realms, patterns and match policies different ids', () => {
    const ids = [
      patternId('realm1', 'com.t', 'exact'),
      patternId('realm2', 'com.t', 'exact'),
      patternId('realm1', 'com.u', 'exact'),
      patternId('realm1', 'com.t', 'prefix'),
      patternId('realm1', 'com.t', 'wildcard'),
      // The parts are kept apart: moving text from one to the next is another id.
      patternId('realm1com', '.t', 'exact'),
      patternId('', '', 'exact'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('yields WAMP ids (integers in [1, 2^53]) that use the high bits too', () => {
    const ids = Array.from({ length: 200 }, (_, i) => patternId('realm1', `com.topic.${i}`, 'exact'));
    expect(ids.every(isId)).toBeTrue();
    expect(new Set(ids).size).toBe(ids.length);
    // The top 21 of the 53 bits come from the first hash: about half of the ids are above 2^52.
    expect(ids.filter((id) => id > 2 ** 52).length).toBeGreaterThan(50);
  });
});
