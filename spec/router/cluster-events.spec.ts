import type { Router } from '../../src/router/router.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';
import type { RawPeer } from '../support/raw-peer.js';
import { startMemoryNodes } from '../support/memory-nodes.js';

// Message codes of the WAMP messages these specs exchange.
const GOODBYE = 6;
const ERROR = 8;
const PUBLISH = 16;
const PUBLISHED = 17;
const SUBSCRIBE = 32;
const SUBSCRIBED = 33;
const UNSUBSCRIBE = 34;
const UNSUBSCRIBED = 35;
const EVENT = 36;
const CALL = 48;
const RESULT = 50;
const REGISTER = 64;
const REGISTERED = 65;
const UNREGISTERED = 67;

/** Subscribes and resolves with the subscription id. */
async function subscribe(peer: RawPeer, request: number, topic: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send(SUBSCRIBE, request, options, topic);
  const answer = await peer.next(SUBSCRIBED, (m) => m[1] === request);
  return answer[2] as number;
}

/** Publishes with acknowledgement and resolves with the publication id. */
async function publish(peer: RawPeer, request: number, topic: string, args: unknown[], options: Record<string, unknown> = {}, kwargs?: Record<string, unknown>): Promise<number> {
  peer.send(PUBLISH, request, { acknowledge: true, ...options }, topic, args, ...(kwargs === undefined ? [] : [kwargs]));
  return (await peer.next(PUBLISHED, (m) => m[1] === request))[2] as number;
}

/** Calls a procedure and resolves with RESULT.Arguments[0] (rejects with the ERROR). */
async function call(peer: RawPeer, request: number, procedure: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
  peer.send(CALL, request, {}, procedure, args, kwargs);
  const answer = await peer.nextOf([RESULT, ERROR]);
  if (answer[0] === ERROR) throw new Error(`${String(answer[4])} ${JSON.stringify(answer[5])}`);
  return (answer[3] as unknown[] | undefined)?.[0];
}

/** Every client role, with the revocation features an operator's removals are announced to. */
const REVOCABLE = {
  ...ALL_CLIENT_ROLES,
  callee: { features: { ...ALL_CLIENT_ROLES.callee.features, registration_revocation: true } },
  subscriber: { features: { ...ALL_CLIENT_ROLES.subscriber.features, subscription_revocation: true } },
};

describe('routers joined by a cluster link: events and the meta API across nodes', () => {
  let routers: Router[];

  beforeEach(() => {
    routers = [];
  });

  afterEach(async () => {
    await Promise.all(routers.map((r) => r.close()));
  });

  it('delivers an event of another node once per subscription: exact, prefix and wildcard, with disclosure and exclusion', async () => {
    const [a, b, c] = await startMemoryNodes(routers, ['a', 'b', 'c']);
    const onA = await a!.join();
    const onC = await c!.join();
    const publisher = await b!.join();
    const exact = await subscribe(onA.peer, 1, 'com.ev.topic');
    const prefix = await subscribe(onA.peer, 2, 'com.ev', { match: 'prefix' });
    const wildcard = await subscribe(onC.peer, 1, 'com..topic', { match: 'wildcard' });
    const own = await subscribe(publisher.peer, 1, 'com.ev.topic');
    // Every node gives a pattern's subscription the same id.
    expect(own).toBe(exact);
    const id = await publish(publisher.peer, 1, 'com.ev.topic', [1], { disclose_me: true }, { k: 'v' });
    const disclosed = { publisher: publisher.id, publisher_authid: jasmine.any(String), publisher_authrole: 'anonymous' };
    expect(await onA.peer.next(EVENT, (m) => m[1] === exact)).toEqual([EVENT, exact, id, disclosed, [1], { k: 'v' }]);
    expect(await onA.peer.next(EVENT, (m) => m[1] === prefix)).toEqual([EVENT, prefix, id, { ...disclosed, topic: 'com.ev.topic' }, [1], { k: 'v' }]);
    expect(await onC.peer.next(EVENT, (m) => m[1] === wildcard)).toEqual([EVENT, wildcard, id, { ...disclosed, topic: 'com.ev.topic' }, [1], { k: 'v' }]);
    // A prefix matches by string, also past a component boundary; the others do not.
    const evening = await publish(publisher.peer, 2, 'com.evening', [2]);
    expect(await onA.peer.next(EVENT)).toEqual([EVENT, prefix, evening, { topic: 'com.evening' }, [2]]);
    const marker = await publish(publisher.peer, 3, 'com.ev.topic', [3], { exclude_me: false });
    expect((await publisher.peer.next(EVENT))[2]).toBe(marker);
    await onA.peer.next(EVENT, (m) => m[2] === marker && m[1] === exact);
    await onA.peer.next(EVENT, (m) => m[2] === marker && m[1] === prefix);
    await onC.peer.next(EVENT, (m) => m[2] === marker);
    // Nothing was delivered twice, nor to the publisher that was excluded by default.
    expect(onA.peer.received).toEqual([]);
    expect(onC.peer.received).toEqual([]);
    expect(publisher.peer.received).toEqual([]);
  });

  it('filters receivers on other nodes by eligibility and exclusion', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const first = await a!.join();
    const second = await a!.join();
    const publisher = await b!.join();
    const sub = await subscribe(first.peer, 1, 'com.filter');
    await subscribe(second.peer, 1, 'com.filter');
    await publish(publisher.peer, 1, 'com.filter', [1], { eligible: [second.id] });
    await publish(publisher.peer, 2, 'com.filter', [2], { exclude: [second.id] });
    await publish(publisher.peer, 3, 'com.filter', [3], { exclude_authrole: ['anonymous'] });
    await publish(publisher.peer, 4, 'com.filter', [4]);
    expect((await first.peer.next(EVENT))[4]).toEqual([2]);
    expect(await first.peer.next(EVENT)).toEqual([EVENT, sub, jasmine.any(Number), {}, [4]]);
    expect((await second.peer.next(EVENT))[4]).toEqual([1]);
    expect((await second.peer.next(EVENT))[4]).toEqual([4]);
    expect(first.peer.received).toEqual([]);
    expect(second.peer.received).toEqual([]);
  });

  it('stops hearing a topic on a node once its last local subscriber is gone', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const first = await a!.join();
    const second = await a!.join();
    const publisher = await b!.join();
    const sub = await subscribe(first.peer, 1, 'com.quiet');
    await subscribe(second.peer, 1, 'com.quiet');
    const marker = await subscribe(first.peer, 2, 'com.marker');
    first.peer.send(UNSUBSCRIBE, 3, sub);
    await first.peer.next(UNSUBSCRIBED);
    await publish(publisher.peer, 1, 'com.quiet', [1]);
    expect((await second.peer.next(EVENT))[4]).toEqual([1]);
    second.peer.send(UNSUBSCRIBE, 2, sub);
    await second.peer.next(UNSUBSCRIBED);
    await publish(publisher.peer, 2, 'com.quiet', [2]);
    await publish(publisher.peer, 3, 'com.marker', [3]);
    // Events arrive in order: the marker comes, and nothing before it.
    expect(await first.peer.next(EVENT)).toEqual([EVENT, marker, jasmine.any(Number), {}, [3]]);
    expect(first.peer.received).toEqual([]);
    expect(second.peer.received).toEqual([]);
  });

  it('keeps retained events cluster-wide: a later subscriber on another node gets the last eligible one, not a later unretained one', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    // b hears the topic already: every publication on it reaches b's broker, retained or not.
    const listener = await b!.join();
    await subscribe(listener.peer, 1, 'com.retained.state');
    const publisher = await a!.join();
    await publish(publisher.peer, 1, 'com.retained.state', ['old'], { retain: true });
    const id = await publish(publisher.peer, 2, 'com.retained.state', ['new'], { retain: true, disclose_me: true }, { k: 1 });
    await publish(publisher.peer, 3, 'com.retained.secret', ['no'], { retain: true, eligible: [publisher.id] });
    await publish(publisher.peer, 4, 'com.retained.state', ['passing']);
    await listener.peer.next(EVENT, (m) => (m[4] as unknown[])[0] === 'passing');
    const late = await b!.join();
    const exact = await subscribe(late.peer, 1, 'com.retained.state', { get_retained: true });
    expect(await late.peer.next(EVENT)).toEqual([EVENT, exact, id, { publisher: publisher.id, publisher_authid: jasmine.any(String), publisher_authrole: 'anonymous', retained: true }, ['new'], { k: 1 }]);
    const prefix = await subscribe(late.peer, 2, 'com.retained', { match: 'prefix', get_retained: true });
    expect(await late.peer.next(EVENT)).toEqual([EVENT, prefix, id, jasmine.objectContaining({ retained: true, topic: 'com.retained.state' }), ['new'], { k: 1 }]);
    await subscribe(late.peer, 3, 'com.other', { get_retained: true });
    expect(late.peer.received).toEqual([]);
    // A node that joins later loads the retained events too.
  });

  it('gives a node that joins later the retained events of the cluster', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const publisher = await a!.join();
    const id = await publish(publisher.peer, 1, 'com.retained.late', ['kept'], { retain: true });
    await b!.link.disconnect(true);
    await b!.link.reconnect();
    const late = await b!.join();
    const sub = await subscribe(late.peer, 1, 'com.retained.late', { get_retained: true });
    expect(await late.peer.next(EVENT)).toEqual([EVENT, sub, id, { retained: true }, ['kept']]);
  });

  it('keeps event history cluster-wide, once per publication however many routes it arrives on', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b'], {}, { history: [{ uri: 'com.history.', match: 'prefix', limit: 10 }] });
    const reader = await b!.join();
    // A subscription of its own on b: the publication arrives on two routes there.
    const exact = await subscribe(reader.peer, 1, 'com.history.temp');
    const publisher = await a!.join();
    const first = await publish(publisher.peer, 1, 'com.history.temp', [1], { disclose_me: true });
    await publish(publisher.peer, 2, 'com.history.temp', [2], {}, { k: 'v' });
    // Neither Arguments nor ArgumentsKw: kept as [] and {}.
    publisher.peer.send(PUBLISH, 3, { acknowledge: true }, 'com.history.temp');
    const bare = (await publisher.peer.next(PUBLISHED))[2] as number;
    await reader.peer.next(EVENT, (m) => m[1] === exact && m[2] === bare);
    const sub = await subscribe(reader.peer, 2, 'com.history.', { match: 'prefix' });
    const events = (await call(reader.peer, 1, 'wamp.subscription.get_events', [sub, 10])) as Array<Record<string, unknown>>;
    expect(events.map((e) => [e['topic'], e['publication'], e['args'], e['kwargs'], e['publisher'], e['subscription']])).toEqual([
      ['com.history.temp', first, [1], {}, publisher.id, sub],
      ['com.history.temp', jasmine.any(Number), [2], { k: 'v' }, undefined, sub],
      ['com.history.temp', bare, [], {}, undefined, sub],
    ]);
  });

  it('keeps hearing a history topic after a subscription with the same pattern came and went', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b'], {}, { history: [{ uri: 'com.history.', match: 'prefix', limit: 10 }] });
    const reader = await b!.join();
    const sub = await subscribe(reader.peer, 1, 'com.history.', { match: 'prefix' });
    reader.peer.send(UNSUBSCRIBE, 2, sub);
    await reader.peer.next(UNSUBSCRIBED);
    const publisher = await a!.join();
    const id = await publish(publisher.peer, 1, 'com.history.after', ['kept']);
    const again = await subscribe(reader.peer, 3, 'com.history.', { match: 'prefix' });
    const events = (await call(reader.peer, 1, 'wamp.subscription.get_events', [again, 10])) as Array<Record<string, unknown>>;
    expect(events.map((e) => [e['topic'], e['publication'], e['args']])).toEqual([['com.history.after', id, ['kept']]]);
  });

  it('does not take the retained events a node loads when it joins for history', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b'], {}, { history: [{ uri: 'com.history.', match: 'prefix', limit: 10 }] });
    const publisher = await a!.join();
    await b!.link.disconnect(true);
    await publish(publisher.peer, 1, 'com.history.kept', ['old'], { retain: true });
    await b!.link.reconnect();
    const reader = await b!.join();
    const sub = await subscribe(reader.peer, 1, 'com.history.', { match: 'prefix', get_retained: true });
    expect((await reader.peer.next(EVENT))[4]).toEqual(['old']);
    expect(await call(reader.peer, 1, 'wamp.subscription.get_events', [sub, 10])).toEqual([]);
  });

  it('answers the session meta API for the whole cluster, and kills a session of another node', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const watcher = await b!.join();
    await subscribe(watcher.peer, 1, 'wamp.session.on_join');
    await subscribe(watcher.peer, 2, 'wamp.session.on_leave');
    const victim = await a!.join();
    const joined = await watcher.peer.next(EVENT);
    expect((joined[4] as Array<Record<string, unknown>>)[0]!['session']).toBe(victim.id);
    expect(await call(watcher.peer, 1, 'wamp.session.count')).toBe(2);
    expect(((await call(watcher.peer, 2, 'wamp.session.list')) as number[]).sort()).toEqual([victim.id, watcher.id].sort());
    expect(await call(watcher.peer, 3, 'wamp.session.get', [victim.id])).toEqual(jasmine.objectContaining({ session: victim.id, authrole: 'anonymous' }));
    watcher.peer.send(CALL, 4, {}, 'wamp.session.kill', [victim.id], { reason: 'com.meta.bye', message: 'go' });
    // kill returns nothing: a RESULT without Arguments.
    expect(await watcher.peer.next(RESULT)).toEqual([RESULT, 4, {}]);
    expect(await victim.peer.next(GOODBYE)).toEqual([GOODBYE, { message: 'go' }, 'com.meta.bye']);
    const left = await watcher.peer.next(EVENT);
    expect((left[4] as unknown[])[0]).toBe(victim.id);
    // Each node announces its own sessions: one on_join and one on_leave, no more.
    expect(await call(watcher.peer, 5, 'wamp.session.count')).toBe(1);
    expect(watcher.peer.received).toEqual([]);
  });

  it('removes a callee of another node through the meta API: its node unregisters it and tells everyone', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const owner = await a!.join(REVOCABLE);
    const operator = await b!.join();
    await subscribe(operator.peer, 1, 'wamp.registration.on_unregister');
    await subscribe(operator.peer, 2, 'wamp.registration.on_delete');
    owner.peer.send(REGISTER, 1, {}, 'com.revoke.proc');
    const registration = (await owner.peer.next(REGISTERED))[2] as number;
    await call(operator.peer, 1, 'wamp.registration.remove_callee', [registration, owner.id, 'com.reason.ops']);
    expect(await owner.peer.next(UNREGISTERED)).toEqual([UNREGISTERED, 0, { registration, reason: 'com.reason.ops' }]);
    expect((await operator.peer.next(EVENT))[4]).toEqual([owner.id, registration]);
    expect((await operator.peer.next(EVENT))[4]).toEqual([owner.id, registration]);
    expect(await call(operator.peer, 2, 'wamp.registration.match', ['com.revoke.proc'])).toBeNull();
    expect(await call(owner.peer, 2, 'wamp.registration.match', ['com.revoke.proc'])).toBeNull();
  });

  it('answers the subscription meta API for the whole cluster and removes a subscriber of another node', async () => {
    const [a, b, c] = await startMemoryNodes(routers, ['a', 'b', 'c']);
    const onA = await a!.join();
    const onB = await b!.join(REVOCABLE);
    const asker = await c!.join();
    const id = await subscribe(onA.peer, 1, 'com.metasub.topic');
    await subscribe(onB.peer, 1, 'com.metasub.topic');
    const prefix = await subscribe(onA.peer, 2, 'com.metasub', { match: 'prefix' });
    expect(await call(asker.peer, 1, 'wamp.subscription.lookup', ['com.metasub.topic'])).toBe(id);
    expect(((await call(asker.peer, 2, 'wamp.subscription.list_subscribers', [id])) as number[]).sort()).toEqual([onA.id, onB.id].sort());
    expect(await call(asker.peer, 3, 'wamp.subscription.count_subscribers', [id])).toBe(2);
    expect(await call(asker.peer, 4, 'wamp.subscription.get', [id])).toEqual({ id, created: jasmine.any(String), uri: 'com.metasub.topic', match: 'exact' });
    expect(((await call(asker.peer, 5, 'wamp.subscription.match', ['com.metasub.topic'])) as number[]).sort()).toEqual([id, prefix].sort());
    expect(await call(asker.peer, 6, 'wamp.subscription.list')).toEqual({ exact: [id], prefix: [prefix], wildcard: [] });
    await call(asker.peer, 7, 'wamp.subscription.remove_subscriber', [id, onB.id, 'com.reason.ops']);
    expect(await onB.peer.next(UNSUBSCRIBED)).toEqual([UNSUBSCRIBED, 0, { subscription: id, reason: 'com.reason.ops' }]);
    expect(await call(asker.peer, 8, 'wamp.subscription.list_subscribers', [id])).toEqual([onA.id]);
    // The same for a subscriber of another node: a bad subscription argument refused, the reason read from ArgumentsKw too.
    await expectAsync(call(asker.peer, 9, 'wamp.subscription.remove_subscriber', ['x', onB.id])).toBeRejectedWithError('wamp.error.invalid_argument ["subscription must be an ID"]');
    const other = await subscribe(onB.peer, 2, 'com.metasub.other');
    await call(asker.peer, 10, 'wamp.subscription.remove_subscriber', [other, onB.id], { reason: 'com.reason.kw' });
    expect(await onB.peer.next(UNSUBSCRIBED)).toEqual([UNSUBSCRIBED, 0, { subscription: other, reason: 'com.reason.kw' }]);
  });

  it('announces what happens to a session once: its own node tells the cluster, the survivors of a dead node each tell their own', async () => {
    const [a, b, c] = await startMemoryNodes(routers, ['a', 'b', 'c']);
    const watchers = [await b!.join(), await c!.join()];
    for (const w of watchers) {
      await subscribe(w.peer, 1, 'wamp.registration.on_unregister');
      await subscribe(w.peer, 2, 'wamp.session.on_leave');
      await subscribe(w.peer, 3, 'com.will');
    }
    const leaving = await a!.join();
    const doomed = await a!.join();
    leaving.peer.send(REGISTER, 1, {}, 'com.leaving');
    const first = (await leaving.peer.next(REGISTERED))[2] as number;
    doomed.peer.send(REGISTER, 1, {}, 'com.doomed');
    const second = (await doomed.peer.next(REGISTERED))[2] as number;
    await call(doomed.peer, 2, 'wamp.session.add_testament', ['com.will', ['bye']]);
    await call(leaving.peer, 2, 'wamp.session.add_testament', ['com.will', ['farewell']]);
    // A session leaving a live node: that node announces it, and publishes its testament, to every node.
    leaving.peer.send(GOODBYE, {}, 'wamp.close.normal');
    for (const w of watchers) {
      expect((await w.peer.next(EVENT))[4]).toEqual([leaving.id, first]);
      expect((await w.peer.next(EVENT))[4]).toEqual(['farewell']);
      expect((await w.peer.next(EVENT))[4]).toEqual([leaving.id, jasmine.any(String), 'anonymous']);
    }
    // A node that dies: each survivor announces to its own subscribers.
    await a!.link.crash();
    for (const [i, w] of watchers.entries()) {
      const got = [await w.peer.next(EVENT), await w.peer.next(EVENT), await w.peer.next(EVENT)].map((m) => m[4]);
      expect(got).withContext(`watcher ${i}`).toEqual(jasmine.arrayWithExactContents([[doomed.id, second], [doomed.id, jasmine.any(String), 'anonymous'], ['bye']]));
      expect(await call(w.peer, 9, 'wamp.session.count')).toBe(2);
      expect(w.peer.received).withContext(`watcher ${i}`).toEqual([]);
    }
  });

  it('answers the registration and session meta APIs after the news of other nodes, and the testament and event-history APIs at once', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const callee = await a!.join();
    const asker = await b!.join();
    const leaving = await a!.join();
    // The same turn: the REGISTER on a is on its way when b is asked.
    callee.peer.send(REGISTER, 1, {}, 'com.news');
    asker.peer.send(CALL, 1, {}, 'wamp.registration.match', ['com.news']);
    const id = (await callee.peer.next(REGISTERED))[2] as number;
    expect((await asker.peer.next(RESULT))[3]).toEqual([id]);
    // The same turn: the leave on a is on its way when b is asked for the sessions.
    leaving.peer.send(GOODBYE, {}, 'wamp.close.normal');
    asker.peer.send(CALL, 4, {}, 'wamp.session.list');
    expect((await asker.peer.next(RESULT))[3]).toEqual([jasmine.arrayWithExactContents([callee.id, asker.id])]);
    // Testaments are this node's own business: the answer comes before a later PUBLISHED.
    asker.peer.send(CALL, 2, {}, 'wamp.session.add_testament', ['com.will', []]);
    asker.peer.send(PUBLISH, 3, { acknowledge: true }, 'com.topic');
    expect((await asker.peer.nextOf([RESULT, PUBLISHED]))[0]).toBe(RESULT);
    await asker.peer.next(PUBLISHED);
    // So is the event history (each node keeps its own): its answer, here an ERROR, comes at once too.
    asker.peer.send(CALL, 5, {}, 'wamp.subscription.get_events', [99]);
    asker.peer.send(PUBLISH, 6, { acknowledge: true }, 'com.topic');
    expect((await asker.peer.nextOf([ERROR, PUBLISHED]))[0]).toBe(ERROR);
    await asker.peer.next(PUBLISHED);
  });

  it('gives a subscription that spans nodes the earliest creation time, and removes a subscriber only from what it subscribed', async () => {
    const [a, b, c] = await startMemoryNodes(routers, ['a', 'b', 'c']);
    const onA = await a!.join();
    const onB = await b!.join(REVOCABLE);
    const bystander = await b!.join(REVOCABLE);
    const asker = await c!.join();
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(Date.UTC(2026, 0, 1)));
    try {
      const id = await subscribe(onA.peer, 1, 'com.created');
      jasmine.clock().tick(1_000);
      await subscribe(onB.peer, 1, 'com.created');
      const earliest = '2026-01-01T00:00:00.000Z';
      expect(await call(asker.peer, 1, 'wamp.subscription.get', [id])).toEqual({ id, created: earliest, uri: 'com.created', match: 'exact' });
      expect(await call(onB.peer, 2, 'wamp.subscription.get', [id])).toEqual({ id, created: earliest, uri: 'com.created', match: 'exact' });
      // The bystander on b did not subscribe: removing it changes nothing.
      await call(asker.peer, 2, 'wamp.subscription.remove_subscriber', [id, bystander.id]);
      expect(((await call(asker.peer, 3, 'wamp.subscription.list_subscribers', [id])) as number[]).sort()).toEqual([onA.id, onB.id].sort());
      expect(bystander.peer.received).toEqual([]);
    } finally {
      jasmine.clock().uninstall();
    }
  });

  it('keeps hearing a topic on a node while a subscriber remains there after the meta API removed another', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const removed = await b!.join(REVOCABLE);
    const stays = await b!.join();
    const sub = await subscribe(removed.peer, 1, 'com.kept');
    await subscribe(stays.peer, 1, 'com.kept');
    const operator = await a!.join();
    await call(operator.peer, 1, 'wamp.subscription.remove_subscriber', [sub, removed.id]);
    await removed.peer.next(UNSUBSCRIBED);
    const id = await publish(operator.peer, 1, 'com.kept', ['still']);
    expect(await stays.peer.next(EVENT)).toEqual([EVENT, sub, id, {}, ['still']]);
  });

  it("publishes a dead node's testaments on the surviving nodes, and only the scopes not flushed", async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const watcher = await b!.join();
    const sub = await subscribe(watcher.peer, 1, 'com.will', { match: 'prefix' });
    const doomed = await a!.join();
    await call(doomed.peer, 1, 'wamp.session.add_testament', ['com.will.destroyed', ['bye'], { k: 1 }]);
    await call(doomed.peer, 2, 'wamp.session.add_testament', ['com.will.flushed', []], { scope: 'detached' });
    expect(await call(doomed.peer, 3, 'wamp.session.flush_testaments', [], { scope: 'detached' })).toBe(1);
    await call(doomed.peer, 4, 'wamp.session.add_testament', ['com.will.detached', ['gone']], { scope: 'detached' });
    await a!.link.crash();
    const events = [await watcher.peer.next(EVENT), await watcher.peer.next(EVENT)];
    expect(events).toEqual([
      [EVENT, sub, jasmine.any(Number), { topic: 'com.will.detached' }, ['gone']],
      [EVENT, sub, jasmine.any(Number), { topic: 'com.will.destroyed' }, ['bye'], { k: 1 }],
    ]);
    expect(await call(watcher.peer, 2, 'wamp.session.count')).toBe(1);
    expect(watcher.peer.received).toEqual([]);
  });

  it('subscribes at once while the link is down, and hears the other nodes again once it is back', async () => {
    const [a, b] = await startMemoryNodes(routers, ['a', 'b']);
    const subscriber = await a!.join();
    const publisher = await b!.join();
    await a!.link.disconnect();
    const sub = await subscribe(subscriber.peer, 1, 'com.offline');
    await a!.link.reconnect();
    const id = await publish(publisher.peer, 1, 'com.offline', ['hello']);
    expect(await subscriber.peer.next(EVENT)).toEqual([EVENT, sub, id, {}, ['hello']]);
  });
});
