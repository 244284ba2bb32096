import { isId } from '../../src/protocol/ids.js';
import type { MatchPolicy } from '../../src/protocol/uri.js';
import { patternId } from '../../src/router/pattern-id.js';
import { SubscriptionStore } from '../../src/router/subscription-store.js';
import type { Subscription } from '../../src/router/subscription-store.js';
import { drawNext } from '../support/random-words.js';
import { StageSession } from '../support/stage-harness.js';

const a = new StageSession('a', 1);
const b = new StageSession('b', 2);
const c = new StageSession('c', 3);

describe('SubscriptionStore', () => {
  let store: SubscriptionStore;
  beforeEach(() => (store = new SubscriptionStore()));

  describe('subscribe', () => {
    it('creates a subscription with a random id for the first subscriber, and adds the next ones to it', () => {
      const before = Date.now();
      const first = store.subscribe(a, 'com.t', 'exact');
      const subscription = first.subscription;
      expect([first.created, first.added]).toEqual([true, true]);
      expect(isId(subscription.id)).toBeTrue();
      expect(subscription).toEqual({ id: subscription.id, topic: 'com.t', match: 'exact', created: jasmine.any(String), subscribers: new Set([a]) });
      expect(Date.parse(subscription.created)).toBeGreaterThanOrEqual(before - 1);
      expect(store.subscribe(b, 'com.t', 'exact')).toEqual({ subscription, created: false, added: true });
      expect([...subscription.subscribers]).toEqual([a, b]);
      expect([store.size, store.sessionCount]).toEqual([1, 2]);
    });

    it('says a session that subscribes again was not added, and keeps one entry for it', () => {
      const subscription = store.subscribe(a, 'com.t', 'exact').subscription;
      const other = store.subscribe(a, 'com.u', 'exact').subscription;
      expect(store.subscribe(a, 'com.t', 'exact')).toEqual({ subscription, created: false, added: false });
      expect([...subscription.subscribers]).toEqual([a]);
      expect([...store.ofSession(a)]).toEqual([subscription, other]);
      // One unsubscribe undoes both subscribes.
      expect(store.unsubscribe(a, subscription)).toEqual({ removed: true, deleted: true });
    });

    it('indexes subscriptions by pattern, id and session', () => {
      const exact = store.subscribe(a, 'com.x.y', 'exact').subscription;
      const prefix = store.subscribe(a, 'com.x', 'prefix').subscription;
      const wildcard = store.subscribe(b, 'com..y', 'wildcard').subscription;
      // One topic under two policies is two subscriptions.
      const exactX = store.subscribe(b, 'com.x', 'exact').subscription;
      expect(new Set([exact.id, prefix.id, wildcard.id, exactX.id]).size).toBe(4);
      expect([store.lookup('com.x.y', 'exact'), store.lookup('com.x', 'prefix'), store.lookup('com..y', 'wildcard'), store.lookup('com.x', 'exact')]).toEqual([exact, prefix, wildcard, exactX]);
      expect(store.lookup('com.x.y', 'prefix')).toBeUndefined();
      expect([store.byId(prefix.id), store.byId(exactX.id), store.byId(exact.id + 1)]).toEqual([prefix, exactX, undefined]);
      expect([...store.ofSession(a)]).toEqual([exact, prefix]);
      expect([...store.ofSession(b)]).toEqual([wildcard, exactX]);
      expect(store.ofSession(c).size).toBe(0);
      expect([...store.all()]).toEqual([exact, prefix, wildcard, exactX]);
      expect([store.size, store.sessionCount]).toEqual([4, 2]);
    });

    it('visits every subscription that matches a topic: exact, then prefixes longest first, then wildcards', () => {
      const wildcard = store.subscribe(a, 'com..y', 'wildcard').subscription;
      const short = store.subscribe(a, 'com', 'prefix').subscription;
      const long = store.subscribe(b, 'com.x', 'prefix').subscription;
      const exact = store.subscribe(c, 'com.x.y', 'exact').subscription;
      store.subscribe(c, 'com.x.z', 'exact');
      const visited: Subscription[] = [];
      store.forEachMatch('com.x.y', (s) => visited.push(s));
      expect(visited).toEqual([exact, long, short, wildcard]);
      visited.length = 0;
      store.forEachMatch('org.x.y', (s) => visited.push(s));
      expect(visited).toEqual([]);
    });

    it('draws another random id when the one drawn is taken', () => {
      drawNext([7, 7, 9]);
      const ids = [store.subscribe(a, 'com.t', 'exact'), store.subscribe(a, 'com.u', 'exact')].map((r) => r.subscription.id);
      expect(ids).toEqual([7, 9]);
      expect(store.size).toBe(2);
    });

    it('takes the id derived from the pattern, unless another subscription has it', () => {
      const idFor = jasmine.createSpy('idFor', (topic: string, match: MatchPolicy) => patternId('realm1', topic, match)).and.callThrough();
      const derived = new SubscriptionStore(idFor);
      const t = derived.subscribe(a, 'com.t', 'prefix').subscription;
      expect(t.id).toBe(patternId('realm1', 'com.t', 'prefix'));
      expect(idFor.calls.allArgs()).toEqual([['com.t', 'prefix']]);
      // Joining an existing subscription derives nothing.
      derived.subscribe(b, 'com.t', 'prefix');
      expect(idFor).toHaveBeenCalledTimes(1);
      idFor.and.returnValue(t.id);
      drawNext([12]);
      expect(derived.subscribe(a, 'com.u', 'exact').subscription.id).toBe(12);
      expect(derived.byId(t.id)).toBe(t);
    });
  });

  describe('unsubscribe', () => {
    it('removes the session and says the subscription stays while others are subscribed', () => {
      const subscription = store.subscribe(a, 'com.t', 'exact').subscription;
      store.subscribe(b, 'com.t', 'exact');
      expect(store.unsubscribe(a, subscription)).toEqual({ removed: true, deleted: false });
      expect([...subscription.subscribers]).toEqual([b]);
      expect([store.ofSession(a).size, store.size, store.sessionCount]).toEqual([0, 1, 1]);
      expect(store.lookup('com.t', 'exact')).toBe(subscription);
    });

    it('deletes the subscription with its last subscriber', () => {
      const subscription = store.subscribe(a, 'com.t', 'wildcard').subscription;
      expect(store.unsubscribe(a, subscription)).toEqual({ removed: true, deleted: true });
      expect([store.lookup('com.t', 'wildcard'), store.byId(subscription.id), store.size, store.sessionCount]).toEqual([undefined, undefined, 0, 0]);
      const visited: Subscription[] = [];
      store.forEachMatch('com.t', (s) => visited.push(s));
      expect(visited).toEqual([]);
    });

    it('keeps the other subscriptions of the session', () => {
      const t = store.subscribe(a, 'com.t', 'exact').subscription;
      const u = store.subscribe(a, 'com.u', 'exact').subscription;
      store.unsubscribe(a, t);
      expect([...store.ofSession(a)]).toEqual([u]);
      expect(store.sessionCount).toBe(1);
    });

    it('changes nothing for a session that is not subscribed', () => {
      const subscription = store.subscribe(a, 'com.t', 'exact').subscription;
      store.subscribe(b, 'com.u', 'exact');
      expect(store.unsubscribe(b, subscription)).toEqual({ removed: false, deleted: false });
      expect([...subscription.subscribers]).toEqual([a]);
      expect([store.size, store.sessionCount, store.ofSession(b).size]).toEqual([2, 2, 1]);
    });
  });
});
