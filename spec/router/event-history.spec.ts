import type { MatchPolicy } from '../../src/protocol/uri.js';
import { EventHistory } from '../../src/router/event-history.js';
import type { StoredEvent } from '../../src/router/event-history.js';

/** An event published to `topic`, numbered by its publication id. */
function event(topic: string, publication: number): StoredEvent {
  return { timestamp: '2024-01-01T00:00:00.000Z', topic, publication, args: [publication], kwargs: {} };
}

/** The publication ids of what `events` answers. */
function kept(history: EventHistory, uri: string, match: MatchPolicy, limit?: number): number[] | undefined {
  return history.events(uri, match, limit)?.map((e) => e.publication);
}

describe('EventHistory', () => {
  it('is empty without a configured topic, and then keeps nothing', () => {
    const none = new EventHistory();
    expect(none.empty).toBeTrue();
    none.record(event('com.t', 1));
    expect(none.events('com.t', 'exact')).toBeUndefined();
    expect(new EventHistory([]).empty).toBeTrue();
    expect(new EventHistory([{ uri: 'com.t', limit: 1 }]).empty).toBeFalse();
  });

  it('keeps the events of an exact topic, oldest first, and no others', () => {
    const history = new EventHistory([{ uri: 'com.t', limit: 10 }]);
    expect(kept(history, 'com.t', 'exact')).toEqual([]);
    const first = event('com.t', 1);
    history.record(first);
    history.record(event('com.t.sub', 2));
    history.record(event('com.u', 3));
    history.record(event('com.t', 4));
    expect(kept(history, 'com.t', 'exact')).toEqual([1, 4]);
    expect(history.events('com.t', 'exact')![0]).toBe(first);
  });

  it('keeps the events of every topic that matches a prefix or wildcard pattern, in each matching history', () => {
    const history = new EventHistory([
      { uri: 'com', match: 'prefix', limit: 10 },
      { uri: 'com..y', match: 'wildcard', limit: 10 },
      { uri: 'com.x.y', limit: 10 },
    ]);
    for (const [i, topic] of ['com.x.y', 'com.z.y', 'com.x.z', 'org.x.y'].entries()) history.record(event(topic, i + 1));
    expect(kept(history, 'com', 'prefix')).toEqual([1, 2, 3]);
    expect(kept(history, 'com..y', 'wildcard')).toEqual([1, 2]);
    expect(kept(history, 'com.x.y', 'exact')).toEqual([1]);
    // A history is found by its exact (uri, match), not by matching.
    expect([kept(history, 'com', 'exact'), kept(history, 'com.x.y', 'prefix'), kept(history, 'com.x', 'prefix')]).toEqual([undefined, undefined, undefined]);
  });

  it('answers with the latest `limit` events at most, and as few as asked for', () => {
    const history = new EventHistory([{ uri: 'com.t', limit: 3 }]);
    for (let i = 1; i <= 20; i++) {
      history.record(event('com.t', i));
      // Whenever asked, the latest three (the history trims in batches, which must not show).
      expect(kept(history, 'com.t', 'exact')).toEqual(Array.from({ length: i }, (_, k) => k + 1).slice(-3));
    }
    expect(kept(history, 'com.t', 'exact', 2)).toEqual([19, 20]);
    expect(kept(history, 'com.t', 'exact', 0)).toEqual([]);
    expect(kept(history, 'com.t', 'exact', 10)).toEqual([18, 19, 20]);
  });

  it('keeps one event at least, however small the configured limit', () => {
    const history = new EventHistory([
      { uri: 'com.zero', limit: 0 },
      { uri: 'com.half', limit: 2.7 },
    ]);
    for (let i = 1; i <= 5; i++) {
      history.record(event('com.zero', i));
      history.record(event('com.half', i));
    }
    expect(kept(history, 'com.zero', 'exact')).toEqual([5]);
    expect(kept(history, 'com.half', 'exact')).toEqual([4, 5]);
  });

  it('lets events pile up to twice the limit, then drops all but the latest `limit`', () => {
    // Memory and cost per event are what the batches are for.
    const history = new EventHistory([{ uri: 'com.t', limit: 3 }]);
    expect(history.held('com.t', 'exact')).toBe(0);
    expect(history.held('com.t', 'prefix')).toBeUndefined();
    const lengths: number[] = [];
    for (let i = 1; i <= 9; i++) {
      history.record(event('com.t', i));
      lengths.push(history.held('com.t', 'exact')!);
    }
    expect(lengths).toEqual([1, 2, 3, 4, 5, 3, 4, 5, 3]);
    expect(kept(history, 'com.t', 'exact')).toEqual([7, 8, 9]);
  });
});
