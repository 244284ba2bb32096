import { filter as filterBy, map, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { broker } from '../../src/router/broker.js';
import { EventHistory } from '../../src/router/event-history.js';
import { silentLogger } from '../../src/router/logger.js';
import type { Routed } from '../../src/router/routed.js';
import { RealmStats } from '../../src/router/router-stats.js';
import { SubscriptionStore } from '../../src/router/subscription-store.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';

/** Runs thunks through the broker so that a Routed can refer to ids created earlier in the flow. */
function run(source: Observable<() => Routed>, store = new SubscriptionStore()): Observable<string> {
  return source.pipe(
    map((thunk) => thunk()),
    broker({ subscriptions: store, logger: silentLogger }),
    map(summarize),
  );
}

describe('broker stage', () => {
  const a = new StageSession('a', 1, 'alice', 'admin');
  const b = new StageSession('b', 2, 'bob', 'user');
  const c = new StageSession('c', 3, 'carol', 'user');
  const subscribe = (s: StageSession, request: number, topic: string, options: Record<string, unknown> = {}) => () =>
    from(s, 'SUBSCRIBE', { Request: request, Options: options, Topic: topic });
  const publish = (s: StageSession, request: number, topic: string, options: Record<string, unknown> = {}, args: unknown[] = [1]) => () =>
    from(s, 'PUBLISH', { Request: request, Options: options, Topic: topic, Arguments: args });

  it(
    'answers SUBSCRIBE with SUBSCRIBED and reports the new subscription to the meta API',
    marbles((m) => {
      const source = m.cold('a-----b-----|', { a: subscribe(a, 1, 'com.x'), b: subscribe(b, 1, 'com.x') });
      m.expect(run(source)).toBeObservable('(abc)-(de)--|', {
        a: 'a <- SUBSCRIBED #1',
        b: 'meta wamp.subscription.on_create',
        c: 'meta wamp.subscription.on_subscribe',
        d: 'b <- SUBSCRIBED #1',
        e: 'meta wamp.subscription.on_subscribe',
      });
    }),
  );

  it('returns the same subscription id when a topic is subscribed twice', () => {
    const store = new SubscriptionStore();
    const ids: number[] = [];
    const replies: string[] = [];
    of(subscribe(a, 1, 'com.x'), subscribe(a, 2, 'com.x'), subscribe(b, 1, 'com.x'))
      .pipe(map((thunk) => thunk()), broker({ subscriptions: store, logger: silentLogger }))
      .subscribe((r) => {
        if (r.kind === 'out' && r.message.code === 33) ids.push(r.message.fields.Subscription);
        replies.push(summarize(r));
      });
    expect(new Set(ids).size).toBe(1);
    expect(replies.filter((r) => !r.startsWith('meta'))).toEqual(['a <- SUBSCRIBED #1', 'a <- SUBSCRIBED #2', 'b <- SUBSCRIBED #1']);
    expect(replies.filter((r) => r.startsWith('meta'))).toEqual([
      'meta wamp.subscription.on_create',
      'meta wamp.subscription.on_subscribe',
      'meta wamp.subscription.on_subscribe',
    ]);
    ids.length = 0;
    store.forEachMatch('com.x', (sub) => ids.push(sub.id, sub.subscribers.size));
    expect(ids.length).toBe(2);
    expect(ids[1]).toBe(2);
    expect(store.size).toBe(1);
  });

  it(
    'publishes to every subscriber but the publisher, unless exclude_me is false',
    marbles((m) => {
      const source = m.cold('abc-d-e|', {
        a: subscribe(a, 1, 'com.x'),
        b: subscribe(b, 1, 'com.x'),
        c: subscribe(c, 1, 'com.y'),
        d: publish(a, 2, 'com.x'),
        e: publish(a, 3, 'com.x', { exclude_me: false }),
      });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('----d-e|', { d: '[b] <- EVENT [1]', e: '[a,b] <- EVENT [1]' });
    }),
  );

  it(
    'acknowledges with PUBLISHED only when asked to',
    marbles((m) => {
      const source = m.cold('ab|', { a: publish(a, 7, 'com.x'), b: publish(a, 8, 'com.x', { acknowledge: true }) });
      m.expect(run(source)).toBeObservable('-a|', { a: 'a <- PUBLISHED #8' });
    }),
  );

  it(
    'applies exclude, eligible and their authid/authrole forms, ANDed',
    marbles((m) => {
      const source = m.cold('abc-defghi|', {
        a: subscribe(a, 1, 'com.x'),
        b: subscribe(b, 1, 'com.x'),
        c: subscribe(c, 1, 'com.x'),
        d: publish(a, 2, 'com.x', { exclude: [2] }),
        e: publish(a, 3, 'com.x', { eligible: [1, 2], exclude_me: false }),
        f: publish(a, 4, 'com.x', { exclude_authid: ['carol'] }),
        g: publish(a, 5, 'com.x', { eligible_authrole: ['user'] }),
        h: publish(a, 6, 'com.x', { exclude_authrole: ['user'], exclude_me: false }),
        i: publish(a, 7, 'com.x', { eligible_authid: ['bob', 'carol'], exclude: [3] }),
      });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('----defghi|', {
        d: '[c] <- EVENT [1]',
        e: '[a,b] <- EVENT [1]',
        f: '[b] <- EVENT [1]',
        g: '[b,c] <- EVENT [1]',
        h: '[a] <- EVENT [1]',
        i: '[b] <- EVENT [1]',
      });
    }),
  );

  it(
    'discloses the publisher when it asks to',
    marbles((m) => {
      const source = m.cold('ab|', { a: subscribe(b, 1, 'com.x'), b: publish(a, 2, 'com.x', { disclose_me: true }) });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('-b|', {
        b: '[b] <- EVENT [1] {"publisher":1,"publisher_authid":"alice","publisher_authrole":"admin"}',
      });
    }),
  );

  it(
    'delivers one EVENT per matching subscription, with the concrete topic for patterns',
    marbles((m) => {
      const source = m.cold('abcd-e----|', {
        a: subscribe(b, 1, 'com.x.y'),
        b: subscribe(b, 2, 'com.x', { match: 'prefix' }),
        c: subscribe(c, 1, 'com..y', { match: 'wildcard' }),
        d: subscribe(c, 2, 'org', { match: 'prefix' }),
        e: publish(a, 2, 'com.x.y'),
      });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('-----(efg)|', {
        e: '[b] <- EVENT [1]',
        f: '[b] <- EVENT [1] {"topic":"com.x.y"}',
        g: '[c] <- EVENT [1] {"topic":"com.x.y"}',
      });
    }),
  );

  it(
    'retains the last event with retain and hands it to subscribers asking get_retained',
    marbles((m) => {
      const source = m.cold('ab-c-d|', {
        a: publish(a, 1, 'com.x', { retain: true }, [1]),
        b: publish(a, 2, 'com.x', { retain: true }, [2]),
        c: subscribe(b, 1, 'com.x', { get_retained: true }),
        d: subscribe(c, 1, 'com', { match: 'prefix', get_retained: true }),
      });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('---c-d|', {
        c: 'b <- EVENT [2] {"retained":true}',
        d: 'c <- EVENT [2] {"retained":true,"topic":"com.x"}',
      });
    }),
  );

  it(
    'hands a subscriber only the retained events it asked for, of its topics, that it is eligible for',
    marbles((m) => {
      const source = m.cold('abcd-e-f-g|', {
        a: publish(a, 1, 'com.x', { retain: true }, [1]),
        b: publish(a, 2, 'com.x', {}, [2]),
        c: publish(a, 3, 'com.y', { retain: true, eligible: [3] }, [3]),
        d: publish(a, 4, 'org.z', { retain: true }, [4]),
        e: subscribe(b, 1, 'com.x'),
        f: subscribe(b, 2, 'com', { match: 'prefix', get_retained: true }),
        g: subscribe(c, 1, 'com.y', { get_retained: true }),
      });
      m.expect(run(source).pipe(onlyDeliveries())).toBeObservable('-------f-g|', {
        f: 'b <- EVENT [1] {"retained":true,"topic":"com.x"}',
        g: 'c <- EVENT [3] {"retained":true}',
      });
    }),
  );

  it('keeps the event history of configured topics, with the publisher only when disclosed, and counts the accepted publications', () => {
    const history = new EventHistory([{ uri: 'com.h', limit: 5 }]);
    const stats = new RealmStats();
    of(publish(a, 1, 'com.h', {}, [1]), () => from(a, 'PUBLISH', { Request: 2, Options: { disclose_me: true }, Topic: 'com.h' }), publish(a, 3, 'com.other'), publish(a, 4, 'com..bad'))
      .pipe(map((thunk) => thunk()), broker({ subscriptions: new SubscriptionStore(), logger: silentLogger, history, stats }))
      .subscribe();
    // The refused one (invalid URI) is not counted.
    expect(stats.published).toBe(3);
    const kept = history.events('com.h', 'exact')!;
    expect(kept.map(({ timestamp: _t, publication: _p, ...rest }) => rest)).toEqual([
      { topic: 'com.h', args: [1], kwargs: {} },
      { topic: 'com.h', args: [], kwargs: {}, publisher: 1 },
    ]);
  });

  it('ends with ABORT the session whose message made the broker fail, logging the stage', () => {
    const broken = new StageSession('x', 9);
    Object.defineProperty(broken, 'authid', {
      get: () => {
        throw new Error('boom');
      },
    });
    const logger = new RecordingLogger();
    of(subscribe(b, 1, 'com.x'), () => from(broken, 'PUBLISH', { Request: 1, Options: { disclose_me: true }, Topic: 'com.x' }))
      .pipe(map((thunk) => thunk()), broker({ subscriptions: new SubscriptionStore(), logger }))
      .subscribe();
    expect(logger.named('stage_failure').map((l) => l.fields['stage'])).toEqual(['broker']);
    expect(broken.direct).toEqual(['ABORT wamp.error.runtime_error']);
  });

  it(
    'refuses invalid URIs, the reserved wamp. namespace, and unknown subscriptions',
    marbles((m) => {
      const source = m.cold('abcd|', {
        a: subscribe(a, 1, 'com..x'),
        b: publish(a, 2, 'com.x y'),
        c: publish(a, 3, 'wamp.session.on_join'),
        d: () => from(a, 'UNSUBSCRIBE', { Request: 4, Subscription: 12345 }),
      });
      m.expect(run(source)).toBeObservable('abcd|', {
        a: 'a <- ERROR #1 wamp.error.invalid_uri ["invalid exact topic pattern \'com..x\'"]',
        b: 'a <- ERROR #2 wamp.error.invalid_uri ["invalid topic URI \'com.x y\'"]',
        c: 'a <- ERROR #3 wamp.error.invalid_uri ["topic \'wamp.session.on_join\' is in the reserved wamp. namespace"]',
        d: 'a <- ERROR #4 wamp.error.no_such_subscription ["no subscription 12345 for this session"]',
      });
    }),
  );

  it(
    'unsubscribes, deleting the subscription with its last subscriber',
    marbles((m) => {
      const store = new SubscriptionStore();
      const unsubscribe = (s: StageSession, request: number) => () =>
        from(s, 'UNSUBSCRIBE', { Request: request, Subscription: store.lookup('com.x', 'exact')!.id });
      const source = m.cold('ab-c-d---|', { a: subscribe(a, 1, 'com.x'), b: subscribe(b, 1, 'com.x'), c: unsubscribe(a, 2), d: unsubscribe(b, 2) });
      m.expect(run(source, store).pipe(onlyReplies())).toBeObservable('ab-c-(de)|', {
        a: 'a <- SUBSCRIBED #1',
        b: 'b <- SUBSCRIBED #1',
        c: 'a <- UNSUBSCRIBED #2',
        d: 'b <- UNSUBSCRIBED #2',
        e: 'meta wamp.subscription.on_delete',
      });
      m.flush();
      expect(store.size).toBe(0);
    }),
  );

  it(
    'forgets every subscription of a session that left, and passes the notice on',
    marbles((m) => {
      const store = new SubscriptionStore();
      const source = m.cold('ab-c-----|', {
        a: subscribe(a, 1, 'com.x'),
        b: subscribe(a, 2, 'com', { match: 'prefix' }),
        c: (): Routed => ({ kind: 'left', session: a, reason: 'wamp.close.normal' }),
      });
      m.expect(run(source, store).pipe(onlyReplies())).toBeObservable('ab-(cde)-|', {
        a: 'a <- SUBSCRIBED #1',
        b: 'a <- SUBSCRIBED #2',
        c: 'meta wamp.subscription.on_delete',
        d: 'meta wamp.subscription.on_delete',
        e: 'left a',
      });
      m.flush();
      expect(store.size).toBe(0);
      expect(store.sessionCount).toBe(0);
    }),
  );

  it(
    'passes through what is not the broker\'s',
    marbles((m) => {
      const source = m.cold('ab|', {
        a: () => from(a, 'CALL', { Request: 1, Options: {}, Procedure: 'com.p' }),
        b: (): Routed => ({ kind: 'joined', session: b }),
      });
      m.expect(run(source)).toBeObservable('ab|', { a: 'a -> CALL', b: 'joined b' });
    }),
  );
});

/** Keeps only EVENT deliveries. */
function onlyDeliveries() {
  return (source: Observable<string>) => source.pipe(filterBy((s) => s.includes('EVENT')));
}

/** Drops meta notices other than on_delete, to keep the expectations short. */
function onlyReplies() {
  return (source: Observable<string>) => source.pipe(filterBy((s) => !s.startsWith('meta') || s.endsWith('on_delete')));
}

