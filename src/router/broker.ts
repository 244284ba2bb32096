import type { Dict } from '../protocol/dict.js';
import { WampErrors } from '../protocol/errors.js';
import { Codes } from '../protocol/message-table.js';
import { randomId } from '../protocol/ids.js';
import { copyPptKeys } from '../protocol/ppt-keys.js';
import { createMessage } from '../protocol/message.js';
import type { Message } from '../protocol/message.js';
import { isReservedUri, isValidPattern, isValidUri, uriMatches } from '../protocol/uri.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ClusterPublication, RealmLink } from './cluster.js';
import type { EventHistory } from './event-history.js';
import type { Logger } from './logger.js';
import type { RealmSession } from './realm-session.js';
import { explainedError } from './replies.js';
import type { Routed } from './routed.js';
import { eligibilityOf, emitEvents, isEligible } from './publication.js';
import type { RealmStats } from './router-stats.js';
import type { Eligibility } from './publication.js';
import { stage } from './stage.js';
import type { Emit } from './stage.js';
import type { Subscription, SubscriptionStore } from './subscription-store.js';

/** What the broker needs from its realm. */
export interface BrokerContext {
  readonly subscriptions: SubscriptionStore;
  readonly logger: Logger;
  /** The realm's event history, when it keeps one. */
  readonly history?: EventHistory;
  /** Are `wamp.*` topics open to clients' PUBLISH (only the router's own meta events use them)? */
  readonly strictUris?: boolean;
  /** Counts accepted publications (absent: nothing is counted). */
  readonly stats?: RealmStats;
  /** The cluster, when this router is a node of one: publications go to the other nodes too. */
  readonly cluster?: RealmLink | undefined;
  /** Runs a message again once `wait` settles (the cluster must get ready for it first). */
  readonly defer?: (wait: Promise<void>, routed: Routed) => void;
}

/** A retained event: the last one published with `retain: true` on a topic. */
interface Retained {
  readonly topic: string;
  readonly publication: number;
  readonly details: Dict;
  readonly args: unknown[] | undefined;
  readonly kwargs: Dict | undefined;
  readonly payload: string | Uint8Array | undefined;
  readonly eligible: Eligibility;
}

/** The meta-API description of a subscription (`wamp.subscription.get`). */
export function describeSubscription(s: Subscription): Dict {
  return { id: s.id, created: s.created, uri: s.topic, match: s.match };
}

/**
 * The broker stage: SUBSCRIBE, UNSUBSCRIBE and PUBLISH → EVENT, with publisher exclusion
 * and identification, subscriber black/white listing, pattern-based subscriptions and
 * event retention. Everything else passes through.
 */
export function broker(context: BrokerContext): MonoTypeOperatorFunction<Routed> {
  return stage('broker', context.logger, (emit) => new BrokerLogic(context, emit));
}

class BrokerLogic {
  readonly #store: SubscriptionStore;
  readonly #stats: RealmStats | undefined;
  readonly #history: EventHistory | undefined;
  readonly #emit: Emit;
  readonly #retained = new Map<string, Retained>();
  readonly #cluster: RealmLink | undefined;
  readonly #defer: ((wait: Promise<void>, routed: Routed) => void) | undefined;
  /** The NATS route of each local subscription, to deliver an arriving event once per subscription. */
  readonly #routes = new WeakMap<Subscription, string>();
  /** Publications from other nodes recently kept in the history. */
  readonly #recorded = new Set<number>();

  constructor(context: BrokerContext, emit: Emit) {
    this.#store = context.subscriptions;
    this.#stats = context.stats;
    this.#history = context.history?.empty === false ? context.history : undefined;
    this.#emit = emit;
    this.#cluster = context.cluster;
    this.#defer = context.defer;
  }

  handle(routed: Routed): void {
    if (routed.kind === 'in') {
      const message = routed.message;
      switch (message.code) {
        case Codes.PUBLISH:
          return this.#publish(routed.session, message);
        case Codes.SUBSCRIBE: {
          // A node hears a pattern's events from the others only once NATS holds its interest.
          const wait = this.#cluster?.prepare(message.fields.Topic, (message.fields.Options['match'] as MatchPolicy | undefined) ?? 'exact');
          if (wait !== undefined && this.#defer !== undefined) return this.#defer(wait, routed);
          return this.#subscribe(routed.session, message);
        }
        case Codes.UNSUBSCRIBE:
          return this.#unsubscribe(routed.session, message);
      }
    } else if (routed.kind === 'left') {
      this.#forget(routed.session);
    } else if (routed.kind === 'cluster' && routed.input.type === 'event') {
      return this.#remoteEvent(routed.input.route, routed.input.publication);
    }
    this.#emit(routed);
  }

  /** An event published on another node: to the local subscriptions of the route it came by. */
  #remoteEvent(route: string, p: ClusterPublication): void {
    const { topic, details, args, kwargs, payload, eligibility } = p;
    this.#store.forEachMatch(topic, (subscription) => {
      if (this.#routeOf(subscription) !== route) return;
      const event = createMessage(
        'EVENT',
        { Subscription: subscription.id, Publication: p.id, Details: subscription.match === 'exact' ? details : { ...details, topic }, Arguments: args, ArgumentsKw: kwargs },
        payload,
      );
      let receivers: Iterable<RealmSession> = subscription.subscribers;
      if (eligibility !== undefined) receivers = [...subscription.subscribers].filter((s) => isEligible(s, eligibility));
      this.#emit({ kind: 'fanout', sessions: receivers, except: undefined, message: event });
    });
    if (p.retain === true) this.#retained.set(topic, { topic, publication: p.id, details, args, kwargs, payload, eligible: eligibility ?? {} });
    // One publication may arrive on several routes of this node: the history keeps it once.
    if (this.#history !== undefined && route !== '' && !this.#recorded.has(p.id)) {
      if (this.#recorded.size >= 1_000) this.#recorded.clear();
      this.#recorded.add(p.id);
      const publisher = details['publisher'] as number | undefined;
      this.#history.record({ timestamp: new Date().toISOString(), topic, publication: p.id, args: args ?? [], kwargs: kwargs ?? {}, ...(publisher !== undefined ? { publisher } : {}) });
    }
  }

  #routeOf(subscription: Subscription): string {
    let route = this.#routes.get(subscription);
    if (route === undefined) this.#routes.set(subscription, (route = this.#cluster!.routeOf(subscription.topic, subscription.match)));
    return route;
  }

  teardown(): void {
    this.#retained.clear();
  }

  #publish(session: RealmSession, message: Message<'PUBLISH'>): void {
    const { Request: request, Options: options, Topic: topic } = message.fields;
    if (!isValidUri(topic)) {
      return this.#emit(explainedError(session, Codes.PUBLISH, request, WampErrors.invalidUri, `invalid topic URI '${topic}'`));
    }
    if (isReservedUri(topic)) {
      return this.#emit(explainedError(session, Codes.PUBLISH, request, WampErrors.invalidUri, `topic '${topic}' is in the reserved wamp. namespace`));
    }
    if (options['ppt_scheme'] !== undefined && !session.supports('publisher', 'payload_passthru_mode')) {
      return session.abort(WampErrors.protocolViolation, 'PUBLISH in payload passthru mode from a publisher that did not announce payload_passthru_mode');
    }
    if (this.#stats !== undefined) this.#stats.published++;
    const publication = randomId();
    const details: Dict = {};
    if (options['disclose_me'] === true) {
      details['publisher'] = session.id;
      details['publisher_authid'] = session.authid;
      details['publisher_authrole'] = session.authrole;
    }
    copyPptKeys(options, details);
    const eligibility = eligibilityOf(options);
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    emitEvents(
      this.#store,
      { topic, id: publication, details, args, kwargs, payload: message.payload, eligibility, except: message.publisherWantsToBeExcluded() ? session : undefined },
      this.#emit,
    );
    if (this.#history !== undefined) {
      const publisher = details['publisher'] as number | undefined;
      this.#history.record({ timestamp: new Date().toISOString(), topic, publication, args: args ?? [], kwargs: kwargs ?? {}, ...(publisher !== undefined ? { publisher } : {}) });
    }
    if (options['retain'] === true) {
      this.#retained.set(topic, { topic, publication, details, args, kwargs, payload: message.payload, eligible: eligibility ?? {} });
    }
    this.#cluster?.publish({ topic, id: publication, details, args, kwargs, payload: message.payload, eligibility, ...(options['retain'] === true ? { retain: true } : {}) });
    if (message.publisherWantsAcknowledgement()) {
      this.#emit({ kind: 'out', session, message: createMessage('PUBLISHED', { 'PUBLISH.Request': request, Publication: publication }) });
    }
  }

  #subscribe(session: RealmSession, message: Message<'SUBSCRIBE'>): void {
    const { Request: request, Options: options, Topic: topic } = message.fields;
    const match = (options['match'] as MatchPolicy | undefined) ?? 'exact';
    if (!isValidPattern(topic, match)) {
      return this.#emit(explainedError(session, Codes.SUBSCRIBE, request, WampErrors.invalidUri, `invalid ${match} topic pattern '${topic}'`));
    }
    const { subscription, created, added } = this.#store.subscribe(session, topic, match);
    if (created) this.#cluster?.listen(topic, match);
    this.#emit({ kind: 'out', session, message: createMessage('SUBSCRIBED', { 'SUBSCRIBE.Request': request, Subscription: subscription.id }) });
    if (created) this.#emit({ kind: 'meta', topic: 'wamp.subscription.on_create', args: [session.id, describeSubscription(subscription)], session });
    if (added) this.#emit({ kind: 'meta', topic: 'wamp.subscription.on_subscribe', args: [session.id, subscription.id], session });
    if (options['get_retained'] === true) this.#sendRetained(session, subscription);
  }

  #sendRetained(session: RealmSession, subscription: Subscription): void {
    for (const retained of this.#retained.values()) {
      if (!uriMatches(subscription.topic, subscription.match, retained.topic)) continue;
      if (!isEligible(session, retained.eligible)) continue;
      const details: Dict = { ...retained.details, retained: true };
      if (subscription.match !== 'exact') details['topic'] = retained.topic;
      const event = createMessage(
        'EVENT',
        { Subscription: subscription.id, Publication: retained.publication, Details: details, Arguments: retained.args, ArgumentsKw: retained.kwargs },
        retained.payload,
      );
      this.#emit({ kind: 'out', session, message: event });
    }
  }

  #unsubscribe(session: RealmSession, message: Message<'UNSUBSCRIBE'>): void {
    const { Request: request, Subscription: id } = message.fields;
    const subscription = this.#store.byId(id);
    if (subscription === undefined || !subscription.subscribers.has(session)) {
      return this.#emit(explainedError(session, Codes.UNSUBSCRIBE, request, WampErrors.noSuchSubscription, `no subscription ${id} for this session`));
    }
    this.#emit({ kind: 'out', session, message: createMessage('UNSUBSCRIBED', { 'UNSUBSCRIBE.Request': request }) });
    this.#remove(session, subscription);
  }

  #remove(session: RealmSession, subscription: Subscription): void {
    const { deleted } = this.#store.unsubscribe(session, subscription);
    if (deleted) this.#cluster?.unlisten(subscription.topic, subscription.match);
    this.#emit({ kind: 'meta', topic: 'wamp.subscription.on_unsubscribe', args: [session.id, subscription.id], session });
    if (deleted) this.#emit({ kind: 'meta', topic: 'wamp.subscription.on_delete', args: [session.id, subscription.id], session });
  }

  /** Removes every subscription of a session that has left (forgetSession). */
  #forget(session: RealmSession): void {
    for (const subscription of [...this.#store.ofSession(session)]) this.#remove(session, subscription);
  }
}
