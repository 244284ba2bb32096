import { filter, lastValueFrom, map, Subject } from 'rxjs';
import type { WampEvent } from '../../src/index.js';
import type { WampMessage } from '../../src/protocol/message.js';
import type { WampSession } from '../../src/session/wamp-session.js';
import { WampError } from '../../src/protocol/errors.js';
import { EventHistory } from '../../src/router/event-history.js';
import { meta } from '../../src/router/meta.js';
import type { RealmSession } from '../../src/router/realm-session.js';
import { RegistrationStore } from '../../src/router/registration-store.js';
import type { Routed } from '../../src/router/routed.js';
import { Router } from '../../src/router/router.js';
import { SubscriptionStore } from '../../src/router/subscription-store.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';
import { callValue, collect, connectClient, firstKeeping, settled } from '../support/router-clients.js';
import type { TestClient } from '../support/router-clients.js';

const PRINCIPALS = {
  alice: { ticket: 'a-secret', authrole: 'admin' },
  bob: { ticket: 'b-secret', authrole: 'user' },
  bobby: { ticket: 'b2-secret', authrole: 'user' },
};

describe('meta API (driven by WampClient sessions)', () => {
  let router: Router;
  let clients: TestClient[];

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1', auth: { ticket: { principals: PRINCIPALS } } }] });
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.client.close()));
    await router.close();
  });

  async function join(authid: keyof typeof PRINCIPALS): Promise<TestClient & { id: number; session: WampSession }> {
    const c = connectClient(router, { authid, ticket: PRINCIPALS[authid].ticket });
    clients.push(c);
    const session = await firstKeeping(c.client.session$);
    return { ...c, id: session.id, session };
  }

  describe('sessions', () => {
    it('counts, lists (with authrole filter) and describes sessions', async () => {
      const admin = await join('alice');
      const user = await join('bob');
      expect(await callValue(admin.client, 'wamp.session.count')).toBe(2);
      expect(await callValue(admin.client, 'wamp.session.count', [['user']])).toBe(1);
      expect((await callValue(admin.client, 'wamp.session.list')) as number[]).toEqual(jasmine.arrayWithExactContents([admin.id, user.id]));
      expect(await callValue(admin.client, 'wamp.session.list', [['admin']])).toEqual([admin.id]);
      const described = (await callValue(admin.client, 'wamp.session.get', [user.id])) as Record<string, unknown>;
      expect(described).toEqual(jasmine.objectContaining({ session: user.id, authid: 'bob', authrole: 'user', authmethod: 'ticket' }));
      // Where the session comes from and when it joined (the router's own sessions know both).
      expect(described['transport']).toEqual({ peer: jasmine.stringMatching(/^loopback:/), protocol: 'wamp.2.json' });
      expect(Date.parse(described['joined'] as string)).toBeLessThanOrEqual(Date.now());
      expect(described['joined']).toBe(new Date(Date.parse(described['joined'] as string)).toISOString());
      const missing = await lastValueFrom(admin.client.call('wamp.session.get', [12345])).catch((e: unknown) => e);
      expect((missing as WampError).uri).toBe('wamp.error.no_such_session');
    });

    it('publishes on_join and on_leave, also when the transport is cut without GOODBYE', async () => {
      const watcher = await join('alice');
      const joins = collect<WampEvent>(watcher.client.subscribe('wamp.session.on_join'));
      const leaves = collect<WampEvent>(watcher.client.subscribe('wamp.session.on_leave'));
      await settled(watcher.client);
      const bob = await join('bob');
      const joined = await joins.next();
      expect(joined.args[0]).toEqual(jasmine.objectContaining({ session: bob.id, authid: 'bob', authrole: 'user' }));
      bob.cut();
      const left = await leaves.next();
      expect(left.args).toEqual([bob.id, 'bob', 'user']);
      expect(left.kwargs).toEqual({ reason: 'transport.closed' });
      expect(router.realm('realm1')!.sessionCount).toBe(1);
    });

    it('kills one session, by authid, by authrole, and all but the caller', async () => {
      const admin = await join('alice');
      const b1 = await join('bob');
      await join('bobby');
      const leaves = collect<WampEvent>(admin.client.subscribe('wamp.session.on_leave'));
      await settled(admin.client);
      await lastValueFrom(admin.client.call('wamp.session.kill', [b1.id], { reason: 'com.app.kicked', message: 'bye' }));
      expect((await leaves.next()).args[0]).toBe(b1.id);
      const self = await lastValueFrom(admin.client.call('wamp.session.kill', [admin.id])).catch((e: unknown) => e);
      expect(self).toEqual(jasmine.any(WampError));
      const b2 = await join('bob');
      expect(await callValue(admin.client, 'wamp.session.kill_by_authid', ['bob'])).toEqual([b2.id]);
      await leaves.next();
      await join('bob');
      await join('bobby');
      // The first bobby, and the new bob and bobby.
      expect(await callValue(admin.client, 'wamp.session.kill_by_authrole', ['user'])).toBe(3);
      for (let i = 0; i < 3; i++) await leaves.next();
      await join('bob');
      await join('alice');
      expect(await callValue(admin.client, 'wamp.session.kill_all')).toBe(2);
      await leaves.next();
      await leaves.next();
      expect(await callValue(admin.client, 'wamp.session.count')).toBe(1);
    });
  });

  describe('registrations', () => {
    it('reports create/register/unregister/delete and answers list, lookup, match, get and callees', async () => {
      const admin = await join('alice');
      const events = collect<string>(
        new (await import('rxjs')).Observable<string>((subscriber) => {
          const subs = ['on_create', 'on_register', 'on_unregister', 'on_delete'].map((name) =>
            admin.client.subscribe(`wamp.registration.${name}`).subscribe(() => subscriber.next(name)),
          );
          return () => subs.forEach((s) => s.unsubscribe());
        }),
      );
      await settled(admin.client);
      const callee = await join('bob');
      const registration = callee.client.register('com.app.add', (args) => (args[0] as number) + (args[1] as number), { invoke: 'roundrobin' }).subscribe();
      // The meta events say when the registration exists.
      expect(await events.next()).toBe('on_create');
      expect(await events.next()).toBe('on_register');
      const exactId = await callValue(admin.client, 'wamp.registration.lookup', ['com.app.add']);
      expect(exactId).toEqual(jasmine.any(Number));
      const prefix = await firstKeeping(callee.client.register('com.app', () => 'prefix', { match: 'prefix' }));
      expect(await callValue(admin.client, 'wamp.registration.list')).toEqual({ exact: [exactId], prefix: [prefix.id], wildcard: [] });
      expect(await callValue(admin.client, 'wamp.registration.lookup', ['com.app', { match: 'prefix' }])).toBe(prefix.id);
      expect(await callValue(admin.client, 'wamp.registration.lookup', ['com.nothing'])).toBeNull();
      expect(await callValue(admin.client, 'wamp.registration.match', ['com.app.add'])).toBe(exactId);
      expect(await callValue(admin.client, 'wamp.registration.match', ['com.app.sub'])).toBe(prefix.id);
      expect(await callValue(admin.client, 'wamp.registration.get', [exactId])).toEqual(jasmine.objectContaining({ id: exactId, uri: 'com.app.add', match: 'exact', invoke: 'roundrobin' }));
      expect(await callValue(admin.client, 'wamp.registration.list_callees', [exactId])).toEqual([callee.id]);
      expect(await callValue(admin.client, 'wamp.registration.count_callees', [exactId])).toBe(1);
      const missing = await lastValueFrom(admin.client.call('wamp.registration.get', [1])).catch((e: unknown) => e);
      expect((missing as WampError).uri).toBe('wamp.error.no_such_registration');
      registration.unsubscribe();
      const order: string[] = [];
      while (!order.includes('on_delete')) order.push(await events.next());
      expect(order).toEqual(['on_create', 'on_register', 'on_unregister', 'on_delete']);
    });

    it('revokes a callee with remove_callee: UNREGISTERED with request 0, and the registration is gone', async () => {
      const admin = await join('alice');
      const callee = await join('bob');
      let complete: () => void = () => undefined;
      const completed = new Promise<void>((resolve) => (complete = resolve));
      const unregistered = firstKeeping(callee.session.messages$.pipe(filter((m: WampMessage) => m.name === 'UNREGISTERED')));
      const reg = await new Promise<{ id: number }>((resolve, reject) =>
        callee.client.register('com.app.p', () => 1).subscribe({ next: resolve, error: reject, complete }),
      );
      await callValue(admin.client, 'wamp.registration.remove_callee', [reg.id, callee.id, 'com.app.revoked']);
      await completed;
      expect((await unregistered).toArray()).toEqual([67, 0, { registration: reg.id, reason: 'com.app.revoked' }]);
      expect(router.realm('realm1')!.registrations.size).toBe(0);
      const error = await lastValueFrom(admin.client.call('com.app.p')).catch((e: unknown) => e);
      expect((error as WampError).uri).toBe('wamp.error.no_such_procedure');
    });
  });

  describe('subscriptions', () => {
    it('reports create/subscribe/unsubscribe/delete and answers list, lookup, match, get and subscribers', async () => {
      const admin = await join('alice');
      // Only what the user's session does: the admin's own meta subscriptions are reported too.
      let userId = 0;
      const about = (topic: string) => collect<WampEvent>(admin.client.subscribe(topic).pipe(filter((e) => e.args[0] === userId)));
      const created = about('wamp.subscription.on_create');
      const subscribed = about('wamp.subscription.on_subscribe');
      const unsubscribed = about('wamp.subscription.on_unsubscribe');
      const deleted = about('wamp.subscription.on_delete');
      await settled(admin.client);
      const user = await join('bob');
      userId = user.id;
      const exact = user.client.subscribe('com.app.topic').subscribe();
      const wildcard = user.client.subscribe('com..topic', { match: 'wildcard' }).subscribe();
      await settled(user.client);
      const createdEvent = await created.next();
      expect(createdEvent.args[0]).toBe(user.id);
      expect(createdEvent.args[1]).toEqual(jasmine.objectContaining({ uri: 'com.app.topic', match: 'exact' }));
      expect((await subscribed.next()).args[0]).toBe(user.id);
      const exactId = (await callValue(admin.client, 'wamp.subscription.lookup', ['com.app.topic'])) as number;
      const wildcardId = (await callValue(admin.client, 'wamp.subscription.lookup', ['com..topic', { match: 'wildcard' }])) as number;
      const list = (await callValue(admin.client, 'wamp.subscription.list')) as Record<string, number[]>;
      expect(list['exact']).toContain(exactId);
      expect(list['wildcard']).toEqual([wildcardId]);
      expect((await callValue(admin.client, 'wamp.subscription.match', ['com.app.topic'])) as number[]).toEqual(jasmine.arrayWithExactContents([exactId, wildcardId]));
      expect(await callValue(admin.client, 'wamp.subscription.match', ['org.nothing'])).toBeNull();
      expect(await callValue(admin.client, 'wamp.subscription.get', [exactId])).toEqual(jasmine.objectContaining({ id: exactId, uri: 'com.app.topic', match: 'exact' }));
      expect(await callValue(admin.client, 'wamp.subscription.list_subscribers', [exactId])).toEqual([user.id]);
      expect(await callValue(admin.client, 'wamp.subscription.count_subscribers', [exactId])).toBe(1);
      exact.unsubscribe();
      expect((await unsubscribed.next()).args).toEqual([user.id, exactId]);
      expect((await deleted.next()).args).toEqual([user.id, exactId]);
      wildcard.unsubscribe();
    });

    it('revokes a subscriber with remove_subscriber: its Observable completes and no event reaches it', async () => {
      const admin = await join('alice');
      const user = await join('bob');
      let complete: () => void = () => undefined;
      const completed = new Promise<void>((resolve) => (complete = resolve));
      const received: unknown[][] = [];
      user.session.messages$.pipe(filter((m: WampMessage) => m.name === 'EVENT')).subscribe((m) => received.push(m.toArray()));
      user.client.subscribe('com.app.topic').subscribe({ complete });
      await settled(user.client);
      const id = (await callValue(admin.client, 'wamp.subscription.lookup', ['com.app.topic'])) as number;
      await callValue(admin.client, 'wamp.subscription.remove_subscriber', [id, user.id]);
      await completed;
      expect(router.realm('realm1')!.subscriptions.size).toBe(0);
      // A later publication to the topic does not reach it; one to a topic it still has does, after it.
      const other = collect<WampEvent>(user.client.subscribe('com.app.other'));
      await settled(user.client);
      await lastValueFrom(admin.client.publish('com.app.topic', ['revoked'], {}, { acknowledge: true }));
      await lastValueFrom(admin.client.publish('com.app.other', ['still'], {}, { acknowledge: true }));
      expect((await other.next()).args).toEqual(['still']);
      expect(received.map((m) => m[4])).toEqual([['still']]);
    });
  });

  describe('event history', () => {
    it('returns the latest events of a topic with a configured history, oldest first', async () => {
      await router.close();
      router = new Router({
        realms: [{ name: 'realm1', auth: { ticket: { principals: PRINCIPALS } }, history: [{ uri: 'com.app.ticker', limit: 3 }] }],
      });
      const admin = await join('alice');
      const user = await join('bob');
      const feed = user.client.subscribe('com.app.ticker').subscribe();
      const other = user.client.subscribe('com.app.other').subscribe();
      await settled(user.client);
      for (let i = 1; i <= 5; i++) await lastValueFrom(admin.client.publish('com.app.ticker', [i], { n: i }, { acknowledge: true, disclose_me: i === 5 }));
      const id = (await callValue(admin.client, 'wamp.subscription.lookup', ['com.app.ticker'])) as number;
      const events = (await callValue(admin.client, 'wamp.subscription.get_events', [id])) as Array<Record<string, unknown>>;
      expect(events.map((e) => e['args'])).toEqual([[3], [4], [5]]);
      expect(events[2]).toEqual(jasmine.objectContaining({ topic: 'com.app.ticker', subscription: id, kwargs: { n: 5 }, publisher: admin.id }));
      expect(((await callValue(admin.client, 'wamp.subscription.get_events', [id, 1])) as unknown[]).length).toBe(1);
      const otherId = (await callValue(admin.client, 'wamp.subscription.lookup', ['com.app.other'])) as number;
      const refused = await lastValueFrom(admin.client.call('wamp.subscription.get_events', [otherId])).catch((e: unknown) => e);
      expect((refused as WampError).uri).toBe('wamp.error.feature_not_supported');
      feed.unsubscribe();
      other.unsubscribe();
    });
  });

  describe('testaments', () => {
    for (const how of ['cut', 'goodbye'] as const) {
      it(`publishes a session's testaments when it ends (${how === 'cut' ? 'transport cut' : 'GOODBYE'})`, async () => {
        const watcher = await join('alice');
        const wills = collect<WampEvent>(watcher.client.subscribe('com.app.testament'));
        await settled(watcher.client);
        const user = await join('bob');
        await callValue(user.client, 'wamp.session.add_testament', ['com.app.testament', ['gone', 1], { who: 'bob' }]);
        await callValue(user.client, 'wamp.session.add_testament', ['com.app.testament', ['detached'], {}], { scope: 'detached' });
        if (how === 'cut') user.cut();
        else await user.client.close();
        const first = await wills.next();
        const second = await wills.next();
        expect([first.args, second.args]).toEqual(jasmine.arrayWithExactContents([['gone', 1], ['detached']]));
        expect(first.args[0] === 'gone' ? first.kwargs : second.kwargs).toEqual({ who: 'bob' });
      });
    }

    it('flushes testaments so that none is published', async () => {
      const watcher = await join('alice');
      const wills = collect<WampEvent>(watcher.client.subscribe('com.app.testament'));
      const leaves = collect<WampEvent>(watcher.client.subscribe('wamp.session.on_leave'));
      await settled(watcher.client);
      const user = await join('bob');
      await callValue(user.client, 'wamp.session.add_testament', ['com.app.testament', ['gone']]);
      expect(await callValue(user.client, 'wamp.session.flush_testaments')).toBe(1);
      user.cut();
      await leaves.next();
      await settled(watcher.client);
      expect(wills.values).toEqual([]);
    });
  });
});

describe('meta stage', () => {
  let a: StageSession;
  let b: StageSession;
  let c: StageSession;
  let sessions: Map<number, RealmSession>;
  let subscriptions: SubscriptionStore;
  let registrations: RegistrationStore;
  let input: Subject<Routed>;
  let out: string[];
  let logger: RecordingLogger;
  let request: number;
  beforeEach(() => {
    a = new StageSession('a', 1, 'alice', 'admin');
    // b announces revocation; c does not.
    b = new StageSession('b', 2, 'bob', 'user', { subscriber: { features: { subscription_revocation: true } }, callee: { features: { registration_revocation: true } }, caller: {}, publisher: {} });
    c = new StageSession('c', 3, 'carol', 'user', { subscriber: {}, publisher: {}, caller: {}, callee: {} });
    sessions = new Map<number, RealmSession>([a, b, c].map((s) => [s.id, s]));
    subscriptions = new SubscriptionStore();
    registrations = new RegistrationStore();
    const history = new EventHistory([{ uri: 'com.h', limit: 2 }]);
    logger = new RecordingLogger();
    input = new Subject<Routed>();
    out = [];
    request = 0;
    input.pipe(meta({ realm: { name: 'realm1', sessions, subscriptions, registrations, history }, logger }), map(summarize)).subscribe((x) => out.push(x));
  });
  /** Calls a meta procedure as `who`; returns what the stage emitted for it. */
  const call = (who: StageSession, procedure: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): string[] => {
    out.length = 0;
    input.next(from(who, 'CALL', { Request: ++request, Options: {}, Procedure: procedure, Arguments: args, ArgumentsKw: kwargs }));
    return [...out];
  };
  const subscribe = (who: StageSession, topic: string, match: 'exact' | 'prefix' = 'exact') => subscriptions.subscribe(who, topic, match).subscription.id;

  it('refuses bad arguments with wamp.error.invalid_argument, saying which', () => {
    const id = subscribe(b, 'com.x');
    const { registration } = registrations.add({ session: b, discloseCaller: false }, 'com.p', 'exact', 'single');
    const refusals: Array<[string, unknown[], Record<string, unknown>, string]> = [
      ['wamp.session.kill', ['x'], {}, 'session must be an ID'],
      ['wamp.session.add_testament', [5], {}, 'topic must be a string'],
      ['wamp.registration.get', ['x'], {}, 'registration must be an ID'],
      ['wamp.registration.lookup', [5], {}, 'procedure must be a string'],
      ['wamp.registration.remove_callee', [registration.id, 'x'], {}, 'callee must be an ID'],
      ['wamp.subscription.match', [5], {}, 'topic must be a string'],
      ['wamp.session.get', ['x'], {}, 'session must be an ID'],
      ['wamp.session.get', [1.5], {}, 'session must be an ID'],
      ['wamp.session.count', ['user'], {}, 'filter_authroles must be a list of strings'],
      ['wamp.session.kill_by_authid', [5], {}, 'authid must be a string'],
      ['wamp.session.kill_by_authrole', [], {}, 'authrole must be a string'],
      ['wamp.session.add_testament', ['com.t', 'x'], {}, 'args must be a list'],
      ['wamp.session.add_testament', ['com.t', [], []], {}, 'kwargs must be a dictionary'],
      ['wamp.session.add_testament', ['com.t'], { scope: 'forever' }, 'scope must be destroyed or detached'],
      ['wamp.session.flush_testaments', [], { scope: 'forever' }, 'scope must be destroyed or detached'],
      ['wamp.registration.lookup', ['com.p', { match: 'regex' }], {}, 'match must be exact, prefix or wildcard'],
      ['wamp.registration.match', [7], {}, 'procedure must be a string'],
      ['wamp.subscription.lookup', [7], {}, 'topic must be a string'],
      ['wamp.subscription.get', ['x'], {}, 'subscription must be an ID'],
      ['wamp.subscription.remove_subscriber', [id, 'x'], {}, 'subscriber must be an ID'],
      ['wamp.subscription.get_events', [id, 0], {}, 'limit must be a positive integer'],
      ['wamp.subscription.get_events', [id, 1.5], {}, 'limit must be a positive integer'],
      ['wamp.subscription.get_events', [id, '2'], {}, 'limit must be a positive integer'],
      ['wamp.subscription.get_events', ['x'], {}, 'subscription must be an ID'],
    ];
    for (const [procedure, args, kwargs, why] of refusals) {
      expect(call(a, procedure, args, kwargs)).withContext(procedure).toEqual([`a <- ERROR #${request} wamp.error.invalid_argument [${JSON.stringify(why)}] {}`]);
    }
  });

  it('refuses unknown procedures, sessions, registrations and subscriptions, and invalid testament topics', () => {
    const sub = subscribe(b, 'com.x');
    const { registration } = registrations.add({ session: b, discloseCaller: false }, 'com.p', 'exact', 'single');
    expect(call(a, 'wamp.nothing')).toEqual([`a <- ERROR #1 wamp.error.no_such_procedure ["no procedure 'wamp.nothing'"]`]);
    expect(call(a, 'wamp.session.get', [99])).toEqual([`a <- ERROR #2 wamp.error.no_such_session ["no session 99 in realm 'realm1'"] {}`]);
    expect(call(a, 'wamp.session.kill', [1])).toEqual([`a <- ERROR #3 wamp.error.no_such_session ["a session cannot kill itself; use GOODBYE"] {}`]);
    expect(call(a, 'wamp.registration.get', [99])).toEqual([`a <- ERROR #4 wamp.error.no_such_registration ["no registration 99"] {}`]);
    expect(call(a, 'wamp.registration.remove_callee', [registration.id, 3])).toEqual([
      `a <- ERROR #5 wamp.error.no_such_session ["session 3 is not a callee of registration ${registration.id}"] {}`,
    ]);
    expect(call(a, 'wamp.subscription.get', [99])).toEqual([`a <- ERROR #6 wamp.error.no_such_subscription ["no subscription 99"] {}`]);
    expect(call(a, 'wamp.subscription.remove_subscriber', [sub, 3])).toEqual([`a <- ERROR #7 wamp.error.no_such_session ["session 3 is not subscribed to ${sub}"] {}`]);
    expect(call(a, 'wamp.subscription.get_events', [sub])).toEqual([`a <- ERROR #8 wamp.error.feature_not_supported ["no event history is kept for 'com.x' (exact)"] {}`]);
    expect(call(a, 'wamp.session.add_testament', ['com..t'])).toEqual([`a <- ERROR #9 wamp.error.invalid_uri ["invalid topic 'com..t'"] {}`]);
    expect(call(a, 'wamp.subscription.get_events', [99])).toEqual([`a <- ERROR #10 wamp.error.no_such_subscription ["no subscription 99"] {}`]);
  });

  it('answers with one result, or none for a procedure that returns nothing', () => {
    expect(call(a, 'wamp.session.count')).toEqual(['a <- RESULT #1 [3]']);
    expect(call(a, 'wamp.session.count', [null])).toEqual(['a <- RESULT #2 [3]']);
    expect(call(a, 'wamp.session.count', [['user']])).toEqual(['a <- RESULT #3 [2]']);
    expect(call(a, 'wamp.session.list', [['admin']])).toEqual(['a <- RESULT #4 [[1]]']);
    expect(call(a, 'wamp.session.get', [2])).toEqual(['a <- RESULT #5 [{"session":2,"authid":"bob","authrole":"user","authmethod":"anonymous","authprovider":"static","realm":"realm1"}]']);
    expect(call(a, 'wamp.session.kill', [2])).toEqual(['a <- RESULT #6 []']);
    expect(call(a, 'wamp.registration.lookup', ['com.p'])).toEqual(['a <- RESULT #7 [null]']);
    expect(call(a, 'wamp.registration.match', ['com.p'])).toEqual(['a <- RESULT #8 [null]']);
    expect(call(a, 'wamp.subscription.lookup', ['com.p', { match: 'exact' }])).toEqual(['a <- RESULT #9 [null]']);
    // Two subscriptions to one topic with different policies: lookup finds the one of the policy asked for.
    subscribe(b, 'com.s');
    const prefixed = subscribe(c, 'com.s', 'prefix');
    expect(call(a, 'wamp.subscription.lookup', ['com.s', { match: 'prefix' }])).toEqual([`a <- RESULT #10 [${prefixed}]`]);
  });

  it('kills with the reason and message asked for, a valid reason only, and never the caller', () => {
    call(a, 'wamp.session.kill', [2], { reason: 'com.app.kicked', message: 'bye' });
    expect([b.direct, b.explanations]).toEqual([['GOODBYE com.app.kicked'], ['bye']]);
    call(a, 'wamp.session.kill', [3], { reason: 'not a uri', message: 7 });
    expect([c.direct, c.explanations]).toEqual([['GOODBYE wamp.close.killed'], []]);
    expect(call(b, 'wamp.session.kill_by_authid', ['bob'])).toEqual(['b <- RESULT #3 [[]]']);
    expect(call(b, 'wamp.session.kill_by_authrole', ['user'])).toEqual(['b <- RESULT #4 [1]']);
    expect(call(b, 'wamp.session.kill_all')).toEqual(['b <- RESULT #5 [2]']);
    expect(a.direct).toEqual(['GOODBYE wamp.close.killed']);
  });

  it('revokes with UNSUBSCRIBED / UNREGISTERED request 0 only a session that announced revocation, and says why', () => {
    const events: string[] = [];
    subscribe(a, 'wamp.', 'prefix');
    const forB = subscribe(b, 'com.x');
    subscribe(c, 'com.x');
    const { registration } = registrations.add({ session: c, discloseCaller: false }, 'com.p', 'exact', 'single');
    registrations.add({ session: b, discloseCaller: false }, 'com.q', 'exact', 'single');
    const q = registrations.lookup('com.q', 'exact')!.id;
    // A registration b shares with c: revoking b leaves it in place (no on_delete).
    registrations.add({ session: b, discloseCaller: false }, 'com.s', 'exact', 'roundrobin');
    registrations.add({ session: c, discloseCaller: false }, 'com.s', 'exact', 'roundrobin');
    const shared = registrations.lookup('com.s', 'exact')!.id;
    const kept = (x: string[]) => x.filter((e) => !e.startsWith('a <- RESULT'));
    events.push(...kept(call(a, 'wamp.subscription.remove_subscriber', [forB, 3])));
    events.push(...kept(call(a, 'wamp.subscription.remove_subscriber', [forB, 2], { reason: 'com.app.gone' })));
    events.push(...kept(call(a, 'wamp.registration.remove_callee', [registration.id, 3, 'not a uri'])));
    events.push(...kept(call(a, 'wamp.registration.remove_callee', [q, 2])));
    events.push(...kept(call(a, 'wamp.registration.remove_callee', [shared, 2], { reason: 'com.app.moved' })));
    const meta = (args: string, topic: string) => `[a] <- EVENT ${args} {"topic":"wamp.${topic}"}`;
    expect(events).toEqual([
      meta(`[3,${forB}]`, 'subscription.on_unsubscribe'),
      `b <- UNSUBSCRIBED #0 {"subscription":${forB},"reason":"com.app.gone"}`,
      meta(`[2,${forB}]`, 'subscription.on_unsubscribe'),
      meta(`[2,${forB}]`, 'subscription.on_delete'),
      meta(`[3,${registration.id}]`, 'registration.on_unregister'),
      meta(`[3,${registration.id}]`, 'registration.on_delete'),
      `b <- UNREGISTERED #0 {"registration":${q},"reason":"wamp.error.revoked"}`,
      meta(`[2,${q}]`, 'registration.on_unregister'),
      meta(`[2,${q}]`, 'registration.on_delete'),
      `b <- UNREGISTERED #0 {"registration":${shared},"reason":"com.app.moved"}`,
      meta(`[2,${shared}]`, 'registration.on_unregister'),
    ]);
    expect(subscriptions.size).toBe(1);
    expect(registrations.size).toBe(1);
  });

  it('carries out another node\'s revocation only for a session that is still a callee or subscriber of that id', () => {
    subscribe(a, 'wamp.', 'prefix');
    const forB = subscribe(b, 'com.x');
    const { registration } = registrations.add({ session: c, discloseCaller: false }, 'com.p', 'exact', 'single');
    registrations.add({ session: b, discloseCaller: false }, 'com.s', 'exact', 'roundrobin');
    registrations.add({ session: c, discloseCaller: false }, 'com.s', 'exact', 'roundrobin');
    const shared = registrations.lookup('com.s', 'exact')!.id;
    const revoke = (session: StageSession, what: 'registration' | 'subscription', id: number): string[] => {
      out.length = 0;
      input.next({ kind: 'cluster', input: { type: 'revoke', what, session: session.id, id, reason: 'com.app.moved' }, session });
      return [...out];
    };
    // The news may be late: b is no callee of com.p, 99 is no registration, c no subscriber of com.x.
    expect(revoke(b, 'registration', registration.id)).toEqual([]);
    expect(revoke(b, 'registration', 99)).toEqual([]);
    expect(revoke(c, 'subscription', forB)).toEqual([]);
    // b is one of two callees of a shared registration: it alone is removed.
    expect(revoke(b, 'registration', shared)).toEqual([
      `b <- UNREGISTERED #0 {"registration":${shared},"reason":"com.app.moved"}`,
      `[a] <- EVENT [2,${shared}] {"topic":"wamp.registration.on_unregister"}`,
    ]);
    expect(registrations.byId(shared)!.callees.map((x) => x.session)).toEqual([c]);
    expect(registrations.byId(registration.id)!.callees.map((x) => x.session)).toEqual([c]);
    expect(revoke(b, 'subscription', forB)).toEqual([
      `b <- UNSUBSCRIBED #0 {"subscription":${forB},"reason":"com.app.moved"}`,
      `[a] <- EVENT [2,${forB}] {"topic":"wamp.subscription.on_unsubscribe"}`,
      `[a] <- EVENT [2,${forB}] {"topic":"wamp.subscription.on_delete"}`,
    ]);
  });

  it('publishes testaments when their session leaves, to whom their options allow, unless flushed', () => {
    subscribe(a, 'com.will');
    subscribe(b, 'com.will');
    call(c, 'wamp.session.add_testament', ['com.will', [1], { k: 1 }], { publish_options: { exclude: [2] } });
    call(c, 'wamp.session.add_testament', ['com.will', null, null], { scope: 'detached' });
    call(c, 'wamp.session.add_testament', ['com.will', ['flushed']], { scope: 'detached' });
    expect(call(c, 'wamp.session.flush_testaments', [], { scope: 'detached' })).toEqual(['c <- RESULT #4 [2]']);
    call(c, 'wamp.session.add_testament', ['com.will', ['late']], { scope: 'detached' });
    out.length = 0;
    input.next({ kind: 'left', session: c, reason: 'wamp.close.normal' });
    expect(out).toEqual(['left c', '[a,b] <- EVENT ["late"]', '[a] <- EVENT [1] {"k":1}']);
    out.length = 0;
    input.next({ kind: 'left', session: c, reason: 'wamp.close.normal' });
    expect(out).toEqual(['left c']);
  });

  it('turns joins, leaves and other stages\' notices into wamp.* events', () => {
    subscribe(a, 'wamp.', 'prefix');
    input.next({ kind: 'joined', session: b });
    input.next({ kind: 'left', session: b, reason: 'transport.closed' });
    input.next({ kind: 'meta', topic: 'wamp.subscription.on_create', args: [2, { id: 5 }], session: b });
    input.next(from(b, 'PUBLISH', { Request: 1, Options: {}, Topic: 'com.x' }));
    expect(out).toEqual([
      'joined b',
      '[a] <- EVENT [{"session":2,"authid":"bob","authrole":"user","authmethod":"anonymous","authprovider":"static","realm":"realm1"}] {"topic":"wamp.session.on_join"}',
      'left b',
      '[a] <- EVENT [2,"bob","user"] {"reason":"transport.closed"} {"topic":"wamp.session.on_leave"}',
      '[a] <- EVENT [2,{"id":5}] {"topic":"wamp.subscription.on_create"}',
      'b -> PUBLISH',
    ]);
  });

  it('ends with ABORT the session whose CALL made it fail, logging the stage', () => {
    sessions.set(4, {} as RealmSession); // a broken session entry: describing it fails
    Object.defineProperty(sessions.get(4), 'authrole', {
      get: () => {
        throw new Error('boom');
      },
    });
    call(a, 'wamp.session.count', [['user']]);
    expect(logger.named('stage_failure').map((l) => l.fields)).toEqual([{ stage: 'meta', kind: 'in', error: 'boom' }]);
    expect(a.direct).toEqual(['ABORT wamp.error.runtime_error']);
  });
});
