import { Codes } from '../protocol/message-table.js';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { isDict } from '../protocol/dict.js';
import { WampCloseReasons, WampError, WampErrors } from '../protocol/errors.js';
import { randomId } from '../protocol/ids.js';
import { createMessage } from '../protocol/message.js';
import type { Message } from '../protocol/message.js';
import { isValidUri, uriMatches } from '../protocol/uri.js';
import type { MatchPolicy } from '../protocol/uri.js';
import { describeSubscription } from './broker.js';
import type { ClusterTestament, RealmLink, SubscriptionView } from './cluster.js';
import { describeRegistration } from './dealer.js';
import type { EventHistory } from './event-history.js';
import type { Logger } from './logger.js';
import { eligibilityOf, emitEvents } from './publication.js';
import type { RealmSession } from './realm-session.js';
import type { RegistrationStore } from './registration-store.js';
import { errorReply } from './replies.js';
import type { Routed } from './routed.js';
import { stage } from './stage.js';
import type { Emit } from './stage.js';
import type { SubscriptionStore } from './subscription-store.js';

/** What the meta stage reads of its realm. */
export interface MetaRealm {
  readonly name: string;
  readonly sessions: ReadonlyMap<number, RealmSession>;
  readonly subscriptions: SubscriptionStore;
  readonly registrations: RegistrationStore;
  readonly history: EventHistory;
  /** Stand-ins of the sessions of other cluster nodes (absent or empty when standalone). */
  readonly remoteSessions?: ReadonlyMap<number, RealmSession>;
  /** The cluster, when the router is a node of one: meta events go to every node. */
  readonly link?: RealmLink | undefined;
}

/** What the meta stage needs. */
export interface MetaContext {
  readonly realm: MetaRealm;
  readonly logger: Logger;
  /** Runs a message through the realm's pipeline later (answers that wait for the cluster). */
  readonly inject?: (routed: Routed) => void;
}

/** A subscription lookup of the meta API, over the subscriptions of every node. */
type SubscriptionQuery = (views: ReadonlyMap<number, SubscriptionView>, args: unknown[]) => unknown;

/** A testament: an event published for a session when it ends (`wamp.session.add_testament`). */
interface Testament {
  readonly topic: string;
  readonly args: unknown[] | undefined;
  readonly kwargs: Dict | undefined;
  readonly options: Dict;
}

type Scope = 'detached' | 'destroyed';

/** One meta procedure: gets the caller, Arguments and ArgumentsKw; returns the result or throws a WampError. */
type MetaProcedure = (caller: RealmSession, args: unknown[], kwargs: Dict) => unknown;

/** The description of a session (`wamp.session.get`, `on_join`). */
function describeSession(s: RealmSession): Dict {
  const description: Dict = { session: s.id, authid: s.authid, authrole: s.authrole, authmethod: s.authmethod, authprovider: s.authprovider, realm: s.realm };
  if (s.transportDetails !== undefined) description['transport'] = s.transportDetails;
  if (s.joined !== undefined) description['joined'] = s.joined;
  return description;
}

function idArg(args: unknown[], index: number, what: string): number {
  const value = args[index];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new WampError(WampErrors.invalidArgument, [`${what} must be an ID`]);
  return value;
}

function stringArg(args: unknown[], index: number, what: string): string {
  const value = args[index];
  if (typeof value !== 'string') throw new WampError(WampErrors.invalidArgument, [`${what} must be a string`]);
  return value;
}

/** The reason given with a revocation: the operator's URI, or `wamp.error.revoked`. */
function reasonOf(value: unknown): string {
  return typeof value === 'string' && isValidUri(value) ? value : 'wamp.error.revoked';
}

function matchOf(options: unknown): MatchPolicy {
  const match = isDict(options) ? options['match'] : undefined;
  if (match === undefined) return 'exact';
  if (match === 'exact' || match === 'prefix' || match === 'wildcard') return match;
  throw new WampError(WampErrors.invalidArgument, [`match must be exact, prefix or wildcard`]);
}

/**
 * The meta stage: the Session, Registration and Subscription Meta APIs and testaments.
 * It turns the other stages' notices (`kind: 'meta'`) and session joins and leaves into
 * `wamp.*` events, and answers CALLs of the `wamp.*` procedures.
 */
export function meta(context: MetaContext): MonoTypeOperatorFunction<Routed> {
  return stage('meta', context.logger, (emit) => new MetaLogic(context, emit));
}

class MetaLogic {
  readonly #realm: MetaRealm;
  readonly #emit: Emit;
  readonly #testaments = new Map<RealmSession, Record<Scope, Testament[]>>();
  readonly #procedures: ReadonlyMap<string, MetaProcedure>;
  readonly #queries: ReadonlyMap<string, SubscriptionQuery>;
  readonly #inject: ((routed: Routed) => void) | undefined;

  constructor(context: MetaContext, emit: Emit) {
    this.#realm = context.realm;
    this.#emit = emit;
    this.#inject = context.inject;
    this.#procedures = this.#table();
    this.#queries = subscriptionQueries();
  }

  /** This node's subscriptions, and with `remote` those of the other nodes, merged by id. */
  #views(remote: readonly SubscriptionView[] = []): Map<number, SubscriptionView> {
    const merged = new Map<number, SubscriptionView>();
    const add = (v: SubscriptionView): void => {
      const known = merged.get(v.id);
      merged.set(v.id, known === undefined ? v : { ...known, created: known.created < v.created ? known.created : v.created, subscribers: [...known.subscribers, ...v.subscribers] });
    };
    for (const s of this.#realm.subscriptions.all()) add({ id: s.id, topic: s.topic, match: s.match, created: s.created, subscribers: [...s.subscribers].map((x) => x.id) });
    for (const v of remote) add(v);
    return merged;
  }

  #answer(caller: RealmSession, request: number, run: () => unknown, emit: Emit): void {
    let result: unknown;
    try {
      result = run();
    } catch (error) {
      if (error instanceof WampError) return emit(errorReply(caller, Codes.CALL, request, error.uri, error.args, error.kwargs));
      throw error;
    }
    emit({ kind: 'out', session: caller, message: createMessage('RESULT', { 'CALL.Request': request, Details: {}, Arguments: result === undefined ? [] : [result] }) });
  }

  handle(routed: Routed): void {
    switch (routed.kind) {
      case 'in':
        if (routed.message.code === Codes.CALL) return this.#call(routed.session, routed.message);
        break;
      case 'meta':
        // A change about another node's session is that node's to announce, unless the node died.
        if (!this.#announces(routed.session)) return;
        return this.#publish(routed.topic, routed.args, undefined, routed.session?.node === undefined);
      case 'joined':
        this.#emit(routed);
        return this.#publish('wamp.session.on_join', [describeSession(routed.session)]);
      case 'left': {
        this.#emit(routed);
        const session = routed.session;
        const announce = this.#announces(session);
        this.#flushTestaments(session, 'detached', announce);
        this.#flushTestaments(session, 'destroyed', announce);
        this.#testaments.delete(session);
        if (!announce) return;
        // The close reason (a slow consumer's limit, a kill, a cut transport) rides in ArgumentsKw.
        return this.#publish('wamp.session.on_leave', [session.id, session.authid, session.authrole], { reason: routed.reason }, session.node === undefined);
      }
      case 'cluster': {
        const input = routed.input;
        if (input.type === 'testament' && routed.session !== undefined) return this.#remoteTestament(routed.session, input.testament, input.flush);
        if (input.type === 'revoke' && routed.session !== undefined) return this.#revokeHere(routed.session, input.what, input.id, input.reason);
        break;
      }
    }
    this.#emit(routed);
  }

  /**
   * Does this node announce what happens to a session? Its own, yes (to every node); one
   * of another node only when that node died (each survivor to its own subscribers).
   */
  #announces(session: RealmSession | undefined): boolean {
    return session?.node === undefined || (session as { lost?: boolean }).lost === true;
  }

  /** Publishes a meta event to local subscribers, and with `cluster` to the other nodes too. */
  #publish(topic: string, args: unknown[], kwargs?: Dict, cluster = true): void {
    const id = randomId();
    emitEvents(this.#realm.subscriptions, { topic, id, details: {}, args, kwargs }, this.#emit);
    if (cluster) this.#realm.link?.publish({ topic, id, details: {}, args, kwargs, payload: undefined, eligibility: undefined });
  }

  /** Another node's session added or flushed testaments: kept, for the day its node dies. */
  #remoteTestament(session: RealmSession, testament: ClusterTestament | undefined, flush: Scope | undefined): void {
    let entry = this.#testaments.get(session);
    if (entry === undefined) this.#testaments.set(session, (entry = { detached: [], destroyed: [] }));
    if (flush !== undefined) entry[flush] = [];
    if (testament !== undefined) entry[testament.scope].push(testament);
  }

  #call(caller: RealmSession, message: Message<'CALL'>): void {
    const { Request: request, Procedure: procedure } = message.fields;
    const query = this.#queries.get(procedure);
    if (query !== undefined) {
      const link = this.#realm.link;
      const args = message.args;
      if (link === undefined || this.#inject === undefined) return this.#answer(caller, request, () => query(this.#views(), args), this.#emit);
      // The other nodes' subscriptions arrive later: the answer enters the pipeline then.
      const inject = this.#inject;
      void link.subscriptionsElsewhere().then((remote) => {
        if (caller.open) this.#answer(caller, request, () => query(this.#views(remote), args), inject);
      });
      return;
    }
    const run = this.#procedures.get(procedure);
    if (run === undefined) {
      return this.#emit(errorReply(caller, Codes.CALL, request, WampErrors.noSuchProcedure, [`no procedure '${procedure}'`]));
    }
    const link = this.#realm.link;
    if (link !== undefined && this.#inject !== undefined && ((procedure.startsWith('wamp.session.') && !procedure.includes('testament')) || procedure.startsWith('wamp.registration.'))) {
      // News of sessions and registrations of other nodes may still be on its way: answer after a sync.
      const inject = this.#inject;
      const { args, kwargs } = message;
      void link.sync().then(() => {
        if (caller.open) this.#answer(caller, request, () => run(caller, args, kwargs), inject);
      });
      return;
    }
    let result: unknown;
    try {
      result = run(caller, message.args, message.kwargs);
    } catch (error) {
      if (error instanceof WampError) return this.#emit(errorReply(caller, Codes.CALL, request, error.uri, error.args, error.kwargs));
      throw error;
    }
    this.#emit({ kind: 'out', session: caller, message: createMessage('RESULT', { 'CALL.Request': request, Details: {}, Arguments: result === undefined ? [] : [result] }) });
  }

  /** Every session of the realm, on every node. */
  *#allSessions(): IterableIterator<RealmSession> {
    yield* this.#realm.sessions.values();
    if (this.#realm.remoteSessions !== undefined) yield* this.#realm.remoteSessions.values();
  }

  #session(id: number): RealmSession {
    const session = this.#realm.sessions.get(id) ?? this.#realm.remoteSessions?.get(id);
    if (session === undefined) throw new WampError(WampErrors.noSuchSession, [`no session ${id} in realm '${this.#realm.name}'`]);
    return session;
  }

  #sessionsWhere(caller: RealmSession, predicate: (s: RealmSession) => boolean): RealmSession[] {
    const out: RealmSession[] = [];
    for (const s of this.#allSessions()) if (s !== caller && predicate(s)) out.push(s);
    return out;
  }

  #kill(targets: RealmSession[], kwargs: Dict): number[] {
    const reason = typeof kwargs['reason'] === 'string' && isValidUri(kwargs['reason']) ? kwargs['reason'] : WampCloseReasons.killed;
    const text = typeof kwargs['message'] === 'string' ? kwargs['message'] : undefined;
    for (const s of targets) s.goodbye(reason, text);
    return targets.map((s) => s.id);
  }

  #flushTestaments(session: RealmSession, scope: Scope, publish: boolean): number {
    const entry = this.#testaments.get(session);
    const list = entry?.[scope] ?? [];
    if (entry !== undefined) entry[scope] = [];
    if (publish) {
      for (const t of list) {
        const id = randomId();
        const eligibility = eligibilityOf(t.options);
        emitEvents(this.#realm.subscriptions, { topic: t.topic, id, details: {}, args: t.args, kwargs: t.kwargs, eligibility }, this.#emit);
        // A local session's testaments reach every node; a dead node's, each survivor publishes to its own subscribers.
        if (session.node === undefined) this.#realm.link?.publish({ topic: t.topic, id, details: {}, args: t.args, kwargs: t.kwargs, payload: undefined, eligibility });
      }
    }
    return list.length;
  }

  /**
   * Removes a subscriber as an operator asked: UNSUBSCRIBED with request 0 tells a
   * subscriber that announced subscription_revocation; the meta API reports the change.
   */
  #revokeSubscription(session: RealmSession, id: number, reason: string): void {
    const store = this.#realm.subscriptions;
    const sub = store.byId(id)!;
    const { deleted } = store.unsubscribe(session, sub);
    if (deleted) this.#realm.link?.unlisten(sub.topic, sub.match);
    if (session.supports('subscriber', 'subscription_revocation')) {
      this.#emit({ kind: 'out', session, message: createMessage('UNSUBSCRIBED', { 'UNSUBSCRIBE.Request': 0, Details: { subscription: id, reason } }) });
    }
    this.#publish('wamp.subscription.on_unsubscribe', [session.id, id]);
    if (deleted) this.#publish('wamp.subscription.on_delete', [session.id, id]);
  }

  /** Removes a callee as an operator asked: UNREGISTERED with request 0 for a callee that announced registration_revocation. */
  /** Another node's meta API removes a local callee or subscriber. */
  #revokeHere(session: RealmSession, what: 'registration' | 'subscription', id: number, reason: string): void {
    if (what === 'registration') {
      if (this.#realm.registrations.byId(id)?.callees.some((c) => c.session === session) === true) this.#revokeRegistration(session, id, reason);
    } else if (this.#realm.subscriptions.byId(id)?.subscribers.has(session) === true) {
      this.#revokeSubscription(session, id, reason);
    }
  }

  #revokeRegistration(session: RealmSession, id: number, reason: string): void {
    const store = this.#realm.registrations;
    const r = store.byId(id)!;
    if (session.node !== undefined) {
      // Another node's callee: its node removes it, and tells everyone.
      this.#realm.link?.revoke(session.node, 'registration', session.id, id, reason);
      return;
    }
    const { deleted } = store.remove(session, r);
    this.#realm.link?.unregister(session, r.procedure, r.match);
    if (session.supports('callee', 'registration_revocation')) {
      this.#emit({ kind: 'out', session, message: createMessage('UNREGISTERED', { 'UNREGISTER.Request': 0, Details: { registration: id, reason } }) });
    }
    this.#publish('wamp.registration.on_unregister', [session.id, id]);
    if (deleted) this.#publish('wamp.registration.on_delete', [session.id, id]);
  }

  #table(): Map<string, MetaProcedure> {
    const realm = this.#realm;
    const roleFilter = (args: unknown[]): ((s: RealmSession) => boolean) => {
      const roles = args[0];
      if (roles === undefined || roles === null) return () => true;
      if (!Array.isArray(roles)) throw new WampError(WampErrors.invalidArgument, ['filter_authroles must be a list of strings']);
      return (s) => roles.includes(s.authrole);
    };
    const registration = (args: unknown[]) => {
      const id = idArg(args, 0, 'registration');
      const r = realm.registrations.byId(id);
      if (r === undefined) throw new WampError(WampErrors.noSuchRegistration, [`no registration ${id}`]);
      return r;
    };
    const subscription = (args: unknown[]) => {
      const id = idArg(args, 0, 'subscription');
      const s = realm.subscriptions.byId(id);
      if (s === undefined) throw new WampError(WampErrors.noSuchSubscription, [`no subscription ${id}`]);
      return s;
    };
    const byPolicy = (items: Iterable<{ id: number; match: MatchPolicy }>) => {
      const out: Record<MatchPolicy, number[]> = { exact: [], prefix: [], wildcard: [] };
      for (const item of items) out[item.match].push(item.id);
      return out;
    };
    return new Map<string, MetaProcedure>([
      ['wamp.session.count', (_c, args) => [...this.#allSessions()].filter(roleFilter(args)).length],
      ['wamp.session.list', (_c, args) => [...this.#allSessions()].filter(roleFilter(args)).map((s) => s.id)],
      ['wamp.session.get', (_c, args) => describeSession(this.#session(idArg(args, 0, 'session')))],
      [
        'wamp.session.kill',
        (caller, args, kwargs) => {
          const target = this.#session(idArg(args, 0, 'session'));
          if (target === caller) throw new WampError(WampErrors.noSuchSession, ['a session cannot kill itself; use GOODBYE']);
          this.#kill([target], kwargs);
          return undefined;
        },
      ],
      ['wamp.session.kill_by_authid', (caller, args, kwargs) => { const authid = stringArg(args, 0, 'authid'); return this.#kill(this.#sessionsWhere(caller, (s) => s.authid === authid), kwargs); }],
      ['wamp.session.kill_by_authrole', (caller, args, kwargs) => { const authrole = stringArg(args, 0, 'authrole'); return this.#kill(this.#sessionsWhere(caller, (s) => s.authrole === authrole), kwargs).length; }],
      ['wamp.session.kill_all', (caller, _args, kwargs) => this.#kill(this.#sessionsWhere(caller, () => true), kwargs).length],
      [
        'wamp.session.add_testament',
        (caller, args, kwargs) => {
          const topic = stringArg(args, 0, 'topic');
          if (!isValidUri(topic)) throw new WampError(WampErrors.invalidUri, [`invalid topic '${topic}'`]);
          const testamentArgs = args[1];
          const testamentKwargs = args[2];
          if (testamentArgs !== undefined && testamentArgs !== null && !Array.isArray(testamentArgs)) throw new WampError(WampErrors.invalidArgument, ['args must be a list']);
          if (testamentKwargs !== undefined && testamentKwargs !== null && !isDict(testamentKwargs)) throw new WampError(WampErrors.invalidArgument, ['kwargs must be a dictionary']);
          const scope = kwargs['scope'] ?? 'destroyed';
          if (scope !== 'destroyed' && scope !== 'detached') throw new WampError(WampErrors.invalidArgument, ['scope must be destroyed or detached']);
          const options = isDict(kwargs['publish_options']) ? kwargs['publish_options'] : {};
          let entry = this.#testaments.get(caller);
          if (entry === undefined) this.#testaments.set(caller, (entry = { detached: [], destroyed: [] }));
          const testament = { scope, topic, args: (testamentArgs as unknown[] | null) ?? undefined, kwargs: (testamentKwargs as Dict | null) ?? undefined, options } as const;
          entry[scope].push(testament);
          this.#realm.link?.testament(caller, testament);
          return undefined;
        },
      ],
      [
        'wamp.session.flush_testaments',
        (caller, _args, kwargs) => {
          const scope = kwargs['scope'] ?? 'destroyed';
          if (scope !== 'destroyed' && scope !== 'detached') throw new WampError(WampErrors.invalidArgument, ['scope must be destroyed or detached']);
          this.#realm.link?.testament(caller, undefined, scope);
          return this.#flushTestaments(caller, scope, false);
        },
      ],
      ['wamp.registration.list', () => byPolicy(realm.registrations.all())],
      ['wamp.registration.lookup', (_c, args) => realm.registrations.lookup(stringArg(args, 0, 'procedure'), matchOf(args[1]))?.id ?? null],
      ['wamp.registration.match', (_c, args) => realm.registrations.best(stringArg(args, 0, 'procedure'))?.id ?? null],
      ['wamp.registration.get', (_c, args) => describeRegistration(registration(args))],
      [
        'wamp.registration.remove_callee',
        (_c, args, kwargs) => {
          const r = registration(args);
          const callee = r.callees.find((entry) => entry.session.id === idArg(args, 1, 'callee'));
          if (callee === undefined) throw new WampError(WampErrors.noSuchSession, [`session ${String(args[1])} is not a callee of registration ${r.id}`]);
          this.#revokeRegistration(callee.session, r.id, reasonOf(args[2] ?? kwargs['reason']));
          return undefined;
        },
      ],
      ['wamp.registration.list_callees', (_c, args) => registration(args).callees.map((c) => c.session.id)],
      ['wamp.registration.count_callees', (_c, args) => registration(args).callees.length],
      [
        'wamp.subscription.remove_subscriber',
        (_c, args, kwargs) => {
          const subscriberId = idArg(args, 1, 'subscriber');
          const remote = this.#realm.remoteSessions?.get(subscriberId);
          if (remote?.node !== undefined && this.#realm.link !== undefined) {
            // A subscriber of another node: its node removes it (subscription ids agree across nodes).
            this.#realm.link.revoke(remote.node, 'subscription', subscriberId, idArg(args, 0, 'subscription'), reasonOf(args[2] ?? kwargs['reason']));
            return undefined;
          }
          const sub = subscription(args);
          const target = [...sub.subscribers].find((s) => s.id === subscriberId);
          if (target === undefined) throw new WampError(WampErrors.noSuchSession, [`session ${subscriberId} is not subscribed to ${sub.id}`]);
          this.#revokeSubscription(target, sub.id, reasonOf(args[2] ?? kwargs['reason']));
          return undefined;
        },
      ],
      [
        'wamp.subscription.get_events',
        (_c, args) => {
          const sub = subscription(args);
          const limit = args[1];
          if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
            throw new WampError(WampErrors.invalidArgument, ['limit must be a positive integer']);
          }
          const events = realm.history.events(sub.topic, sub.match, limit);
          if (events === undefined) throw new WampError(WampErrors.featureNotSupported, [`no event history is kept for '${sub.topic}' (${sub.match})`]);
          return events.map((e) => ({ ...e, subscription: sub.id }));
        },
      ],
    ]);
  }
}

/**
 * The subscription lookups of the meta API, over the subscriptions of every node (ids
 * agree across a cluster's nodes; subscribers are the union).
 */
function subscriptionQueries(): Map<string, SubscriptionQuery> {
  const byId = (views: ReadonlyMap<number, SubscriptionView>, args: unknown[]): SubscriptionView => {
    const id = idArg(args, 0, 'subscription');
    const view = views.get(id);
    if (view === undefined) throw new WampError(WampErrors.noSuchSubscription, [`no subscription ${id}`]);
    return view;
  };
  return new Map<string, SubscriptionQuery>([
    [
      'wamp.subscription.list',
      (views) => {
        const out: Record<MatchPolicy, number[]> = { exact: [], prefix: [], wildcard: [] };
        for (const v of views.values()) out[v.match].push(v.id);
        return out;
      },
    ],
    [
      'wamp.subscription.lookup',
      (views, args) => {
        const topic = stringArg(args, 0, 'topic');
        const match = matchOf(args[1]);
        for (const v of views.values()) if (v.topic === topic && v.match === match) return v.id;
        return null;
      },
    ],
    [
      'wamp.subscription.match',
      (views, args) => {
        const topic = stringArg(args, 0, 'topic');
        const ids = [...views.values()].filter((v) => uriMatches(v.topic, v.match, topic)).map((v) => v.id);
        return ids.length === 0 ? null : ids;
      },
    ],
    ['wamp.subscription.get', (views, args) => { const v = byId(views, args); return { id: v.id, created: v.created, uri: v.topic, match: v.match }; }],
    ['wamp.subscription.list_subscribers', (views, args) => [...byId(views, args).subscribers]],
    ['wamp.subscription.count_subscribers', (views, args) => byId(views, args).subscribers.length],
  ]);
}
