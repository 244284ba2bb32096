import { Subject } from 'rxjs';
import type { Subscription as RxSubscription } from 'rxjs';
import type { WampMessage } from '../protocol/message.js';
import type { Authenticator } from './auth/authenticator.js';
import type { ClusterInput, RealmLink, SessionInfo } from './cluster.js';
import { patternId } from './pattern-id.js';
import { RemoteSession } from './remote-session.js';
import { authenticatorFromConfig } from './auth/from-config.js';
import { authorize } from './authorize.js';
import { broker } from './broker.js';
import type { EffectiveLimits, RealmConfig } from './config.js';
import { dealer } from './dealer.js';
import { EventHistory } from './event-history.js';
import { deliver } from './deliver.js';
import { lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { meta } from './meta.js';
import type { RealmSession } from './realm-session.js';
import { RegistrationStore } from './registration-store.js';
import type { Routed } from './routed.js';
import { SubscriptionStore } from './subscription-store.js';
import type { RealmStats } from './router-stats.js';

/**
 * One realm: its sessions, and the pipeline their messages run through
 * (lifecycle → authorize → broker → dealer → meta → deliver).
 */
export class Realm {
  readonly name: string;
  /** Established sessions by id. */
  readonly sessions = new Map<number, RealmSession>();
  readonly subscriptions: SubscriptionStore;
  readonly registrations = new RegistrationStore();
  /** Stand-ins of the sessions of other cluster nodes, by id (empty when standalone). */
  readonly remoteSessions = new Map<number, RemoteSession>();
  /** The cluster, when the router is one node of it. */
  readonly link: RealmLink | undefined;
  /** Calls of callers on other nodes that local callees serve, as `caller:request` (written by the dealer). */
  readonly servingRemote = new Set<string>();
  /** The events kept for `wamp.subscription.get_events`, per the realm's `history` config. */
  readonly history: EventHistory;
  /** The realm's counters for metrics, unless the router keeps none. */
  readonly stats: RealmStats | undefined;
  readonly #inbound = new Subject<Routed>();
  readonly #pipeline: RxSubscription;
  /** Routed values waiting while the pipeline is busy: one message at a time, in order. */
  readonly #queue: Routed[] = [];
  /** News for the cluster that waits until the queue is through (see `leave`). */
  readonly #afterQueue: Array<() => void> = [];
  #dispatching = false;
  /** Remote sessions that left recently. */
  readonly #left = new Set<number>();

  /** Decides who may join (from the realm's `auth` config, or the user's own authenticator). */
  readonly authenticator: Authenticator;
  readonly #limits: EffectiveLimits;

  constructor(config: RealmConfig, limits: EffectiveLimits, logger: Logger, link?: RealmLink, stats?: RealmStats) {
    this.name = config.name;
    this.link = link;
    this.stats = stats;
    // In a cluster, every node gives a pattern's subscription the same id.
    this.subscriptions = new SubscriptionStore(link === undefined ? undefined : (topic, match) => patternId(config.name, topic, match));
    const defer = (wait: Promise<void>, routed: Routed): void => {
      // The message runs again once the cluster is ready for it (or could not get ready).
      const again = (): void => {
        if (routed.kind !== 'in' || routed.session.open) this.#dispatch(routed);
      };
      wait.then(again, again);
    };
    this.#limits = limits;
    this.authenticator = config.authenticator ?? authenticatorFromConfig(config.auth);
    this.history = new EventHistory(config.history);
    this.#pipeline = this.#inbound
      .pipe(
        lifecycle({ logger, strictPeerRoles: config.strictPeerRoles === true }),
        authorize({ logger, roles: config.roles, authorizer: config.authorizer }),
        broker({ subscriptions: this.subscriptions, history: this.history, logger, stats, cluster: link, defer }),
        dealer({ registrations: this.registrations, logger, stats, cluster: link, defer, inject: (routed) => this.#dispatch(routed), servingRemote: this.servingRemote, sessionFor: (info) => this.sessionFor(info) }),
        meta({ realm: this, logger, inject: (routed) => this.#dispatch(routed) }),
      )
      .subscribe(deliver(logger, stats));
  }

  /** Number of established sessions. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** May one more session join? A refusal names the limit it would pass. */
  admit(_session: RealmSession): { reason: string; message: string } | undefined {
    if (this.sessions.size < this.#limits.maxSessionsPerRealm) return undefined;
    return { reason: 'wamp.error.limit_exceeded.max_sessions_per_realm', message: `realm '${this.name}' admits at most ${this.#limits.maxSessionsPerRealm} sessions` };
  }

  /** A session was welcomed. */
  join(session: RealmSession): void {
    this.sessions.set(session.id, session);
    this.link?.joined(session);
    this.#dispatch({ kind: 'joined', session });
  }

  /** A message from an established session. */
  receive(session: RealmSession, message: WampMessage): void {
    this.#dispatch({ kind: 'in', session, message });
  }

  /** A session is gone: every stage forgets it. */
  leave(session: RealmSession, reason: string): void {
    if (!this.sessions.delete(session.id)) return;
    this.#dispatch({ kind: 'left', session, reason });
    // The other nodes hear of the leave after what the stages sent for it (a remote caller's
    // ERROR "the callee left" must not arrive after the leave that ends its call otherwise).
    const link = this.link;
    if (link === undefined) return;
    if (this.#dispatching) this.#afterQueue.push(() => link.left(session, reason));
    else link.left(session, reason);
  }

  /** Something the cluster tells this realm (only with a cluster link). */
  input(input: ClusterInput): void {
    switch (input.type) {
      case 'session-joined':
        // A join is news from the session's own node: it overrules an earlier loss.
        this.#left.delete(input.session.id);
        this.#standIn(input.session);
        return;
      case 'session-left': {
        const proxy = this.remoteSessions.get(input.id);
        if (proxy === undefined) return;
        this.remoteSessions.delete(input.id);
        this.#gone(input.id);
        proxy.open = false;
        return this.#dispatch({ kind: 'left', session: proxy, reason: input.reason });
      }
      case 'node-down':
        for (const proxy of [...this.remoteSessions.values()]) {
          if (proxy.node !== input.node) continue;
          this.remoteSessions.delete(proxy.id);
          this.#gone(proxy.id);
          proxy.open = false;
          proxy.lost = true;
          this.#dispatch({ kind: 'left', session: proxy, reason: 'wamp.close.node_lost' });
        }
        return;
      case 'kill':
        this.sessions.get(input.session)?.goodbye(input.reason, input.message);
        return;
      case 'call':
        return this.#dispatch({ kind: 'cluster', input, session: this.#standIn(input.caller) });
      case 'reply': {
        const session = this.sessions.get(input.session);
        if (session !== undefined) this.#dispatch({ kind: 'cluster', input, session });
        return;
      }
      case 'testament': {
        const proxy = this.remoteSessions.get(input.session);
        if (proxy !== undefined) this.#dispatch({ kind: 'cluster', input, session: proxy });
        return;
      }
      case 'registered':
        return this.#dispatch({ kind: 'cluster', input, session: input.session });
      case 'revoke': {
        const session = this.sessions.get(input.session);
        if (session !== undefined) this.#dispatch({ kind: 'cluster', input, session });
        return;
      }
      default:
        return this.#dispatch({ kind: 'cluster', input, session: undefined });
    }
  }

  /**
   * The session a cluster description names: a local one, or the stand-in of a session of
   * another node (created when first heard of; undefined once it has left).
   */
  sessionFor(info: SessionInfo): RealmSession | undefined {
    if (info.node === this.link?.node) return this.sessions.get(info.id);
    if (this.#left.has(info.id)) return undefined;
    return this.#standIn(info);
  }

  /** Remembers (boundedly) that a remote session left, so that late news of it cannot bring it back. */
  #gone(id: number): void {
    if (this.#left.size >= 10_000) this.#left.clear();
    this.#left.add(id);
  }

  /** The stand-in of a session of another node, created when first heard of. */
  #standIn(info: SessionInfo): RemoteSession {
    let proxy = this.remoteSessions.get(info.id);
    if (proxy === undefined) {
      proxy = new RemoteSession(this.name, info, this.link!);
      this.remoteSessions.set(info.id, proxy);
    }
    return proxy;
  }

  /**
   * Publishes an event from the router itself (e.g. the dashboard's rates topic) to this
   * realm's subscribers, through the pipeline like a meta event.
   */
  publishFromRouter(topic: string, args: unknown[]): void {
    this.#dispatch({ kind: 'meta', topic, args, session: undefined });
  }

  /** Stops the pipeline (after the router has said GOODBYE to every session). */
  close(): void {
    this.#pipeline.unsubscribe();
  }

  /**
   * Runs one Routed through the pipeline. A stage that ends a session, or a loopback peer
   * that answers at once, re-enters here while a message is still on its way: such input
   * waits its turn, so that every stage sees one message at a time.
   */
  #dispatch(routed: Routed): void {
    this.#queue.push(routed);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let i = 0; i < this.#queue.length; i++) this.#inbound.next(this.#queue[i]!);
    } finally {
      this.#queue.length = 0;
      this.#dispatching = false;
    }
    if (this.#afterQueue.length > 0) for (const effect of this.#afterQueue.splice(0)) effect();
  }
}
