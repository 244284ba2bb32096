import { Subject } from 'rxjs';
import type { Subscription as RxSubscription } from 'rxjs';
import type { WampMessage } from '../protocol/message.js';
import type { Authenticator } from './auth/authenticator.js';
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
  readonly subscriptions = new SubscriptionStore();
  readonly registrations = new RegistrationStore();
  /** The events kept for `wamp.subscription.get_events`, per the realm's `history` config. */
  readonly history: EventHistory;
  /** The realm's counters for metrics, unless the router keeps none. */
  readonly stats: RealmStats | undefined;
  readonly #inbound = new Subject<Routed>();
  readonly #pipeline: RxSubscription;
  /** Routed values waiting while the pipeline is busy: one message at a time, in order. */
  readonly #queue: Routed[] = [];
  #dispatching = false;

  /** Decides who may join (from the realm's `auth` config, or the user's own authenticator). */
  readonly authenticator: Authenticator;
  readonly #limits: EffectiveLimits;

  constructor(config: RealmConfig, limits: EffectiveLimits, logger: Logger, stats?: RealmStats) {
    this.name = config.name;
    this.stats = stats;
    this.#limits = limits;
    this.authenticator = config.authenticator ?? authenticatorFromConfig(config.auth);
    this.history = new EventHistory(config.history);
    this.#pipeline = this.#inbound
      .pipe(
        lifecycle({ logger, strictPeerRoles: config.strictPeerRoles === true }),
        authorize({ logger, roles: config.roles, authorizer: config.authorizer }),
        broker({ subscriptions: this.subscriptions, history: this.history, logger, stats }),
        dealer({ registrations: this.registrations, logger, stats }),
        meta({ realm: this, logger }),
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
  }
}
