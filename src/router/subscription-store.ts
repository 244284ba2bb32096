import { randomId } from '../protocol/ids.js';
import { PatternIndex } from '../protocol/pattern-index.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { RealmSession } from './realm-session.js';

/** One broker subscription: a topic pattern and the sessions subscribed to it. */
export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly match: MatchPolicy;
  /** ISO 8601 time of creation, for the meta API. */
  readonly created: string;
  readonly subscribers: Set<RealmSession>;
}

/**
 * The broker's subscriptions, indexed three ways: by pattern (for matching a PUBLISH in
 * time independent of the number of subscriptions), by id, and by session (for cleanup).
 * Read by the meta API; written only by the broker stage.
 */
export class SubscriptionStore {
  readonly #index = new PatternIndex<Subscription>();
  readonly #byId = new Map<number, Subscription>();
  readonly #bySession = new Map<RealmSession, Set<Subscription>>();
  readonly #idFor: ((topic: string, match: MatchPolicy) => number) | undefined;

  /** `idFor` derives a subscription's id from its pattern (a cluster's nodes agree on it); random ids otherwise. */
  constructor(idFor?: (topic: string, match: MatchPolicy) => number) {
    this.#idFor = idFor;
  }

  /** Number of subscriptions. */
  get size(): number {
    return this.#byId.size;
  }

  /** Number of sessions holding at least one subscription. */
  get sessionCount(): number {
    return this.#bySession.size;
  }

  /** Adds `session` to the subscription for (topic, match), creating it if needed. */
  subscribe(session: RealmSession, topic: string, match: MatchPolicy): { subscription: Subscription; created: boolean; added: boolean } {
    let subscription = this.#index.get(topic, match);
    let created = false;
    if (subscription === undefined) {
      const derived = this.#idFor?.(topic, match);
      const id = derived !== undefined && !this.#byId.has(derived) ? derived : this.#freshId();
      subscription = { id, topic, match, created: new Date().toISOString(), subscribers: new Set() };
      this.#index.set(topic, match, subscription);
      this.#byId.set(subscription.id, subscription);
      created = true;
    }
    const added = !subscription.subscribers.has(session);
    if (added) {
      subscription.subscribers.add(session);
      let mine = this.#bySession.get(session);
      if (mine === undefined) this.#bySession.set(session, (mine = new Set()));
      mine.add(subscription);
    }
    return { subscription, created, added };
  }

  /** Removes `session` from a subscription; says whether the subscription is now gone. */
  unsubscribe(session: RealmSession, subscription: Subscription): { removed: boolean; deleted: boolean } {
    if (!subscription.subscribers.delete(session)) return { removed: false, deleted: false };
    const mine = this.#bySession.get(session);
    mine?.delete(subscription);
    if (mine?.size === 0) this.#bySession.delete(session);
    if (subscription.subscribers.size > 0) return { removed: true, deleted: false };
    this.#index.delete(subscription.topic, subscription.match);
    this.#byId.delete(subscription.id);
    return { removed: true, deleted: true };
  }

  /** The subscription with this id, if any. */
  byId(id: number): Subscription | undefined {
    return this.#byId.get(id);
  }

  /** The subscription for exactly this (topic, match), if any. */
  lookup(topic: string, match: MatchPolicy): Subscription | undefined {
    return this.#index.get(topic, match);
  }

  /** The subscriptions `session` holds. */
  ofSession(session: RealmSession): ReadonlySet<Subscription> {
    return this.#bySession.get(session) ?? EMPTY;
  }

  /** Visits every subscription whose pattern matches a concrete topic. */
  forEachMatch(topic: string, visit: (subscription: Subscription) => void): void {
    this.#index.forEachMatch(topic, visit);
  }

  /** Every subscription. */
  all(): IterableIterator<Subscription> {
    return this.#byId.values();
  }

  #freshId(): number {
    let id = randomId();
    while (this.#byId.has(id)) id = randomId();
    return id;
  }
}

const EMPTY: ReadonlySet<Subscription> = new Set();
