import { of, Subscription } from 'rxjs';
import type { Observable } from 'rxjs';
import type { ClusterHost, ClusterLink, ClusterState } from './cluster.js';
import { WampCloseReasons } from '../protocol/errors.js';
import { randomId } from '../protocol/ids.js';
import { serializerFor } from '../serialization/registry.js';
import type { Transport } from '../transport/transport.js';
import { TransportError } from '../transport/transport.js';
import type { RealmConfig, RouterConfig } from './config.js';
import { hardeningLimits, LimitErrors } from './limits.js';
import type { HardeningLimits } from './limits.js';
import { silentLogger } from './logger.js';
import type { Logger } from './logger.js';
import { Realm } from './realm.js';
import { RouterSession } from './router-session.js';
import { RealmStats, RouterStats } from './router-stats.js';
import type { SessionHost } from './router-session.js';

/**
 * A WAMP router: realms with a broker and a dealer. It never touches sockets: `attach()`
 * serves one peer over any Transport, and `listen()` from `rxwamp/node` attaches each
 * connection it accepts.
 */
export class Router {
  /** The limits in force, defaults filled in (those of config.ts and of limits.ts). */
  readonly limits: HardeningLimits;
  readonly logger: Logger;
  /** The router's counters for metrics and the dashboard; undefined when `stats: false`. */
  readonly stats: RouterStats | undefined;
  readonly #realmConfigs = new Map<string, RealmConfig>();
  readonly #realms = new Map<string, Realm>();
  readonly #sessions = new Map<number, RouterSession>();
  readonly #autoCreate: boolean;
  readonly #host: SessionHost;
  #closed = false;
  readonly #cluster: ClusterLink | undefined;
  /**
   * The router's place in its cluster, current value first: always `'standalone'` without
   * a cluster; with one, `'connecting'` until the node holds the cluster's state, then
   * `'ready'`, `'disconnected'` while NATS is unreachable, `'connecting'` while re-joining.
   * For readiness probes and metrics.
   */
  readonly clusterState$: Observable<ClusterState>;
  /**
   * Settles once the router can serve as the cluster's node (at once when standalone);
   * rejects when the cluster cannot be joined at all (a bad configuration).
   */
  readonly ready: Promise<void>;

  constructor(config: RouterConfig = {}) {
    this.limits = hardeningLimits(config.limits);
    this.logger = config.logger ?? silentLogger;
    this.#autoCreate = config.autoCreateRealms === true;
    this.stats = config.stats === false ? undefined : new RouterStats();
    for (const realm of config.realms ?? []) this.#realmConfigs.set(realm.name, realm);
    this.#host = {
      logger: this.logger,
      realmFor: (name) => this.#realmFor(name),
      newSessionId: () => {
        let id = randomId();
        while (this.#sessions.has(id)) id = randomId();
        return id;
      },
      goodbyeTimeoutMs: this.limits.goodbyeTimeoutMs,
      limits: this.limits,
      closed: (session) => this.#sessions.delete(session.id),
      stats: this.stats,
    };
    this.#cluster = config.cluster;
    this.clusterState$ = this.#cluster?.state$ ?? of<ClusterState>('standalone');
    this.ready = this.#cluster === undefined ? Promise.resolve() : this.#cluster.start(this.#clusterHost());
    // A caller that never awaits `ready` must not see an unhandled rejection; the state says it all.
    this.ready.catch(() => undefined);
  }

  #clusterHost(): ClusterHost {
    return {
      input: (name, input) => {
        const realm = this.#realmFor(name);
        realm?.input(input);
        return realm !== undefined;
      },
      subscriptions: (name) =>
        [...(this.#realms.get(name)?.subscriptions.all() ?? [])].map((s) => ({ id: s.id, topic: s.topic, match: s.match, created: s.created, subscribers: [...s.subscribers].map((x) => x.id) })),
      serving: (name, caller, request) => this.#realms.get(name)?.servingRemote.has(`${caller}:${request}`) === true,
      localSessions: () => [...this.#realms.values()].flatMap((realm) => [...realm.sessions.values()]),
      histories: () => [...this.#realmConfigs.values()].flatMap((realm) => (realm.history ?? []).map((h) => ({ realm: realm.name, uri: h.uri, match: h.match ?? 'exact' }))),
      localRegistrations: () =>
        [...this.#realms.values()].flatMap((realm) =>
          [...realm.registrations.all()].flatMap((r) =>
            r.callees
              .filter((c) => c.session.node === undefined)
              .map((c) => ({ realm: realm.name, session: c.session, procedure: r.procedure, match: r.match, invoke: r.invoke, discloseCaller: c.discloseCaller, id: r.id })),
          ),
        ),
    };
  }

  /** True once `close()` has begun: the router takes no new sessions. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sessions the router serves right now, in every state. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** The realm of this name, if it exists (configured realms exist from the first HELLO on). */
  realm(name: string): Realm | undefined {
    return this.#realms.get(name);
  }

  /** The configuration of a configured realm (the realm itself exists from its first HELLO on). */
  realmConfig(name: string): RealmConfig | undefined {
    return this.#realmConfigs.get(name);
  }

  /** The names of the configured realms, in configuration order. */
  configuredRealms(): string[] {
    return [...this.#realmConfigs.keys()];
  }

  /** Every realm that exists. */
  realms(): IterableIterator<Realm> {
    return this.#realms.values();
  }

  /**
   * Serves one peer over a transport whose `protocol` names its serialization. The
   * returned Subscription ends the session (the transport closes) when unsubscribed.
   */
  attach(transport: Transport): Subscription {
    const serializer = serializerFor(transport.protocol);
    if (serializer === undefined) {
      transport.outgoing.error(new TransportError('protocol', `unsupported WAMP serialization '${transport.protocol}'`));
      return Subscription.EMPTY;
    }
    const session = new RouterSession(transport, serializer, this.#host);
    if (this.#closed || this.#sessions.size >= this.limits.maxSessions) {
      if (!this.#closed) this.stats?.limitHit(LimitErrors.maxSessions);
      if (!this.#closed) this.logger.log('warn', 'limit_exceeded', { limit: LimitErrors.maxSessions, peer: transport.peer, max: this.limits.maxSessions });
      session.abort(this.#closed ? WampCloseReasons.systemShutdown : LimitErrors.maxSessions, this.#closed ? 'the router is shutting down' : `the router serves at most ${this.limits.maxSessions} sessions (limit max_sessions)`);
      return Subscription.EMPTY;
    }
    this.#sessions.set(session.id, session);
    this.logger.log('debug', 'connection_opened', { session: session.id, peer: transport.peer, protocol: transport.protocol });
    session.start();
    return new Subscription(() => session.end('detached'));
  }

  /**
   * Says GOODBYE (`wamp.close.system_shutdown`) to every session, waits for their
   * answers (or the GOODBYE timeout), and stops every realm.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const waits: Promise<void>[] = [];
    for (const session of [...this.#sessions.values()]) {
      waits.push(session.ended);
      session.goodbye(WampCloseReasons.systemShutdown, 'the router is shutting down');
    }
    await Promise.all(waits);
    await this.#cluster?.close();
    for (const realm of this.#realms.values()) realm.close();
    this.#realms.clear();
  }

  #realmFor(name: string): Realm | undefined {
    let realm = this.#realms.get(name);
    if (realm !== undefined) return realm;
    if (this.#closed) return undefined;
    let config = this.#realmConfigs.get(name);
    if (config === undefined) {
      if (!this.#autoCreate) return undefined;
      config = { name };
    }
    realm = new Realm(config, this.limits, this.logger, this.#cluster?.realm(name), this.stats === undefined ? undefined : new RealmStats());
    this.#realms.set(name, realm);
    return realm;
  }
}
