import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Subscription as NatsSubscription } from '@nats-io/transport-node';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import { BehaviorSubject, distinctUntilChanged } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Dict } from '../../protocol/dict.js';
import { createMessage } from '../../protocol/message.js';
import type { Message } from '../../protocol/message.js';
import { Codes } from '../../protocol/message-table.js';
import type { MatchPolicy } from '../../protocol/uri.js';
import type {
  ClusterHost,
  ClusterLink,
  ClusterPublication,
  ClusterState,
  ClusterTestament,
  ForwardOutcome,
  RealmLink,
  RegisterOutcome,
  SessionInfo,
  SubscriptionView,
} from '../../router/cluster.js';
import { silentLogger } from '../../router/logger.js';
import type { Logger } from '../../router/logger.js';
import type { RealmSession } from '../../router/realm-session.js';
import type { InvocationPolicy } from '../../router/registration-store.js';
import { sessionInfo } from '../../router/remote-session.js';
import { RegistrationBucket } from './registration-bucket.js';
import type { Revision, StoredCallee } from './registration-bucket.js';
import { checkName, eventRoute, eventSubject, parseRegistrationKey, realmOfRetainedKey, registrationKey, retainedKey } from './subjects.js';
import { messageOf, optional, pack, unpack } from './wire.js';

/** How `natsCluster()` joins a cluster. */
export interface NatsClusterOptions {
  /** NATS server URLs (`nats://127.0.0.1:4222`); JetStream must be enabled (`nats-server -js`). */
  readonly servers: string | readonly string[];
  /** The cluster's name: routers with the same servers and name form one router. Default `rxwamp`. */
  readonly name?: string;
  /** This node's name, unique in the cluster. Default: host name and process id. */
  readonly node?: string;
  /** Milliseconds between heartbeats (default 1,000); a node silent for 3.5 heartbeats is taken for dead. */
  readonly heartbeatMs?: number;
  /** Replicas of the key-value buckets on a NATS cluster (default: as many servers as listed, at most 3). */
  readonly replicas?: number;
  /** Where the link logs joins, losses and failures (default: the router's silence). */
  readonly logger?: Logger;
}

/** What one node knows of another. */
interface Peer {
  incarnation: string;
  seen: number;
}

/** A NATS subscription for one event route, and the local subscriptions behind it. */
interface Route {
  readonly subscription: NatsSubscription;
  count: number;
  ready: Promise<void> | undefined;
}

/** How long a node waits for a flush, a snapshot or a key-value answer before going on without it. */
const FLUSH_TIMEOUT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() => clearTimeout(timer));
}

/** Did NATS answer a request with "no responders" (nobody subscribes to the subject)? */
function isNoResponders(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e.name === 'NoRespondersError' || /no responders/i.test(e.message)) return true;
  return false;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Joins this router to a cluster of rxwamp routers over NATS (with JetStream): pass it as
 * `new Router({ realms, cluster: natsCluster({ servers, name, node }) })`.
 */
export function natsCluster(options: NatsClusterOptions): ClusterLink {
  return new NatsCluster(options);
}

/**
 * The NATS cluster link. Subjects (under `rxw.<cluster>`): `hb` heartbeats, `s` session
 * joins, leaves and testaments, `snap` snapshot requests of (re)joining nodes, `r`
 * registration changes, `n.<node>` what one node sends another (forwarded calls, replies,
 * kills), `e.<realm>.<topic…>` events, `ret` retained events. Registrations and retained
 * events live in key-value buckets.
 */
class NatsCluster implements ClusterLink {
  readonly node: string;
  readonly state$: Observable<ClusterState>;
  readonly #state = new BehaviorSubject<ClusterState>('connecting');
  readonly #options: NatsClusterOptions;
  readonly #base: string;
  readonly #bucketPrefix: string;
  readonly #incarnation = randomBytes(8).toString('hex');
  readonly #heartbeatMs: number;
  readonly #logger: Logger;
  readonly #realms = new Map<string, NatsRealmLink>();
  readonly #peers = new Map<string, Peer>();
  /** Incarnations of nodes taken for dead: their callees are ignored wherever they still appear. */
  readonly #dead = new Set<string>();
  readonly #routes = new Map<string, Route>();
  /** The last revision applied per registration key, so that older news never overwrites newer. */
  readonly #applied = new Map<string, number>();
  /** Testaments of local sessions, for the snapshots other nodes ask for. */
  readonly #testaments = new Map<RealmSession, ClusterTestament[]>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #host: ClusterHost | undefined;
  #nc: NatsConnection | undefined;
  #registrations: RegistrationBucket | undefined;
  #retained: KV | undefined;
  #watches: Array<{ stop(): void }> = [];
  #closing = false;

  constructor(options: NatsClusterOptions) {
    this.#options = options;
    const name = checkName('cluster name', options.name ?? 'rxwamp');
    this.node = checkName('node name', options.node ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}`);
    this.#base = `rxw.${name}`;
    this.#bucketPrefix = `rxw_${name}`;
    this.#heartbeatMs = options.heartbeatMs ?? 1_000;
    this.#logger = options.logger ?? silentLogger;
    this.state$ = this.#state.pipe(distinctUntilChanged());
  }

  get state(): ClusterState {
    return this.#state.value;
  }

  get ready(): boolean {
    return this.#state.value === 'ready';
  }

  realm(name: string): RealmLink {
    let link = this.#realms.get(name);
    if (link === undefined) this.#realms.set(name, (link = new NatsRealmLink(this, name)));
    return link;
  }

  async start(host: ClusterHost): Promise<void> {
    this.#host = host;
    const servers = typeof this.#options.servers === 'string' ? this.#options.servers.split(',') : [...this.#options.servers];
    const nc = await connect({
      servers,
      name: `rxwamp-${this.node}`,
      // A node's own events, joins and heartbeats are not for itself.
      noEcho: true,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 2_000,
      maxPingOut: 2,
    });
    this.#nc = nc;
    this.#subscribeCore(nc);
    void this.#followStatus(nc);
    this.#heartbeat();
    this.#timers.push(setInterval(() => this.#heartbeat(), this.#heartbeatMs));
    this.#timers.push(setInterval(() => this.#checkLiveness(), Math.max(50, this.#heartbeatMs / 2)));
    await this.#join(false);
    this.#logger.log('info', 'cluster_ready', { node: this.node, peers: [...this.#peers.keys()] });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const timer of this.#timers) clearInterval(timer);
    const nc = this.#nc;
    if (nc === undefined) return;
    // Unregistrations of the sessions that just left are still on their way (not for long when NATS is away).
    await within(Promise.allSettled([...this.#pending]), 3 * FLUSH_TIMEOUT_MS, []);
    for (const watch of this.#watches) watch.stop();
    if (!nc.isClosed()) {
      this.#publish(`${this.#base}.hb`, { node: this.node, inc: this.#incarnation, bye: true });
      await within(nc.drain().catch(() => undefined), FLUSH_TIMEOUT_MS, undefined);
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
    }
    this.#state.next('disconnected');
    this.#state.complete();
  }

  // ---- what the realm links use ----

  /** Publishes to NATS: `down` while the link is, `too-large` beyond the server's max_payload. */
  publish(subject: string, value: Dict): ForwardOutcome {
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed() || this.#state.value === 'disconnected') return 'down';
    const bytes = pack(value);
    if (bytes.length > (nc.info?.max_payload ?? Infinity)) {
      this.#logger.log('warn', 'cluster_message_too_large', { subject, bytes: bytes.length, max: nc.info?.max_payload });
      return 'too-large';
    }
    try {
      nc.publish(subject, bytes);
      return 'sent';
    } catch (error) {
      this.#logger.log('warn', 'cluster_publish_failed', { subject, error: errorText(error) });
      return 'down';
    }
  }

  #publish(subject: string, value: Dict): void {
    void this.publish(subject, value);
  }

  get base(): string {
    return this.#base;
  }

  get incarnation(): string {
    return this.#incarnation;
  }

  /** Sends to another node. */
  toNode(node: string, value: Dict): ForwardOutcome {
    return this.publish(`${this.#base}.n.${node}`, value);
  }

  /** Makes this node hear a route; a promise while NATS does not yet hold the interest. */
  prepare(route: string): Promise<void> | undefined {
    const existing = this.#routes.get(route);
    if (existing !== undefined) return existing.ready;
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed()) return undefined;
    const subscription = nc.subscribe(route, { callback: (error, msg) => (error === null ? this.#onEvent(route, msg) : undefined) });
    const entry: Route = { subscription, count: 0, ready: undefined };
    this.#routes.set(route, entry);
    if (this.#state.value !== 'disconnected') {
      entry.ready = within(nc.flush(), FLUSH_TIMEOUT_MS, undefined).then(
        () => void (entry.ready = undefined),
        () => void (entry.ready = undefined),
      );
    }
    return entry.ready;
  }

  listen(route: string): void {
    void this.prepare(route);
    const entry = this.#routes.get(route);
    if (entry !== undefined) entry.count++;
  }

  unlisten(route: string): void {
    const entry = this.#routes.get(route);
    if (entry === undefined) return;
    if (--entry.count > 0) return;
    this.#routes.delete(route);
    entry.subscription.unsubscribe();
  }

  sync(): Promise<void> {
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed() || this.#state.value === 'disconnected') return Promise.resolve();
    return within(nc.flush(), FLUSH_TIMEOUT_MS, undefined).catch(() => undefined);
  }

  /** Asks a node which calls it still serves; all true when it cannot answer (nothing is failed on guesswork). */
  async probe(node: string, realm: string, calls: ReadonlyArray<readonly [number, number]>): Promise<boolean[]> {
    const nc = this.#nc;
    const unknown = calls.map(() => true);
    if (nc === undefined || nc.isClosed() || this.#state.value === 'disconnected') return unknown;
    try {
      const answer = await nc.request(`${this.#base}.n.${node}`, pack({ t: 'probe', realm, calls: calls as unknown as Dict }), { timeout: FLUSH_TIMEOUT_MS });
      const serving = unpack(answer.data)?.['serving'];
      return Array.isArray(serving) && serving.length === calls.length ? serving.map((v) => v === true) : unknown;
    } catch (error) {
      // Nobody listens for that node any more: it serves nothing.
      return isNoResponders(error) ? calls.map(() => false) : unknown;
    }
  }

  /** Asks every other live node for its subscriptions in a realm; waits at most a second for the answers. */
  async subscriptionsElsewhere(realm: string): Promise<SubscriptionView[]> {
    const nc = this.#nc;
    const expected = this.#peers.size;
    if (nc === undefined || nc.isClosed() || this.#state.value === 'disconnected' || expected === 0) return [];
    const views: SubscriptionView[] = [];
    try {
      const replies = await nc.requestMany(`${this.#base}.q`, pack({ realm }), { strategy: 'count', maxMessages: expected, maxWait: 1_000 });
      for await (const reply of replies) {
        const list = unpack(reply.data)?.['subscriptions'];
        if (Array.isArray(list)) views.push(...(list as SubscriptionView[]));
      }
    } catch {
      // Whoever did not answer in time is left out.
    }
    return views;
  }

  testament(session: RealmSession, testament: ClusterTestament | undefined, flush: 'detached' | 'destroyed' | undefined): void {
    let list = this.#testaments.get(session) ?? [];
    if (flush !== undefined) list = list.filter((t) => t.scope !== flush);
    if (testament !== undefined) list = [...list, testament];
    this.#testaments.set(session, list);
    this.publish(`${this.#base}.s`, { t: 'testament', realm: session.realm, node: this.node, inc: this.#incarnation, id: session.id, testament, flush });
  }

  forgetTestaments(session: RealmSession): void {
    this.#testaments.delete(session);
  }

  retain(realm: string, publication: ClusterPublication): void {
    this.publish(`${this.#base}.ret`, { realm, p: publication as unknown as Dict });
    const kv = this.#retained;
    if (kv === undefined) return;
    this.#track(kv.put(retainedKey(realm, publication.topic), pack({ realm, p: publication as unknown as Dict })).catch((error: unknown) => this.#logger.log('warn', 'cluster_retain_failed', { error: errorText(error) })));
  }

  async register(session: RealmSession, procedure: string, match: MatchPolicy, invoke: InvocationPolicy, discloseCaller: boolean, id: number): Promise<RegisterOutcome> {
    const bucket = this.#registrations;
    if (bucket === undefined || this.#state.value === 'disconnected') {
      return { ok: false, error: 'wamp.error.unavailable', message: 'the cluster link is down: registrations wait for NATS' };
    }
    const key = registrationKey(session.realm, match, procedure);
    const callee: StoredCallee = { session: sessionInfo(this.node, session), discloseCaller, incarnation: this.#incarnation };
    const work = bucket.add(key, { id, procedure, match, invoke, created: new Date().toISOString() }, callee, (c) => this.#isDead(c));
    this.#track(work);
    const { outcome, written } = await work;
    if (written !== undefined) await this.#announce(written);
    return outcome;
  }

  unregister(session: RealmSession, procedure: string, match: MatchPolicy): void {
    const bucket = this.#registrations;
    if (bucket === undefined) return;
    const key = registrationKey(session.realm, match, procedure);
    this.#track(
      bucket
        .remove(key, (c) => c.session.id === session.id && c.session.node === this.node)
        .then((written) => (written !== undefined ? this.#announce(written) : undefined))
        .catch((error: unknown) => this.#logger.log('warn', 'cluster_unregister_failed', { procedure, error: errorText(error) })),
    );
  }

  // ---- membership ----

  #subscribeCore(nc: NatsConnection): void {
    const on = (subject: string, handle: (value: Dict, msg: Msg) => void): void => {
      nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error !== null) return;
          const value = unpack(msg.data);
          if (value === undefined) return;
          try {
            handle(value, msg);
          } catch (failure) {
            this.#logger.log('error', 'cluster_message_failed', { subject, error: errorText(failure) });
          }
        },
      });
    };
    on(`${this.#base}.hb`, (v) => this.#onHeartbeat(v));
    on(`${this.#base}.s`, (v) => this.#onSessionNews(v));
    on(`${this.#base}.snap`, (_v, msg) => msg.respond(pack(this.#snapshot())));
    on(`${this.#base}.q`, (v, msg) => msg.respond(pack({ subscriptions: (this.#host?.subscriptions(String(v['realm'])) ?? []) as unknown as Dict[] })));
    on(`${this.#base}.r`, (v) => this.#onRegistration(String(v['key']), Number(v['rev']), optional(v['rec']) as Revision['registration']));
    on(`${this.#base}.ret`, (v) => this.#onRetained(v));
    on(`${this.#base}.n.${this.node}`, (v, msg) => this.#onDirect(v, msg));
  }

  async #followStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.#closing) return;
      if (status.type === 'disconnect') {
        this.#logger.log('warn', 'cluster_disconnected', { node: this.node, server: status.server });
        this.#state.next('disconnected');
        for (const realm of this.#realms.keys()) this.#host?.input(realm, { type: 'link-down' });
      } else if (status.type === 'reconnect') {
        this.#logger.log('info', 'cluster_reconnected', { node: this.node, server: status.server });
        this.#state.next('connecting');
        this.#join(true).then(
          () => this.#logger.log('info', 'cluster_ready', { node: this.node, peers: [...this.#peers.keys()] }),
          (error: unknown) => this.#logger.log('error', 'cluster_rejoin_failed', { error: errorText(error) }),
        );
      }
    }
  }

  /**
   * Joins (or re-joins after NATS came back): opens the buckets, learns the other nodes
   * and their sessions, loads the registrations, re-establishes this node's own, and only
   * then is ready.
   */
  async #join(rejoin: boolean): Promise<void> {
    const nc = this.#nc!;
    const kvm = new Kvm(nc);
    const listed = typeof this.#options.servers === 'string' ? this.#options.servers.split(',').length : this.#options.servers.length;
    const replicas = this.#options.replicas ?? Math.min(3, listed);
    // A bucket that exists already (made by another node, perhaps with other settings) is opened as it is.
    const bucket = async (name: string): Promise<KV> => {
      // A fresh NATS cluster elects its JetStream leader a moment after it accepts clients: try again for a while.
      for (let attempt = 0; ; attempt++) {
        try {
          return await kvm.create(name, { history: 1, replicas }).catch(() => kvm.open(name));
        } catch (error) {
          if (attempt >= 60 || this.#closing) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };
    const registrations = await bucket(`${this.#bucketPrefix}_registrations`);
    this.#retained = await bucket(`${this.#bucketPrefix}_retained`);
    this.#registrations = new RegistrationBucket(registrations);
    for (const watch of this.#watches) watch.stop();
    this.#watches = [];
    await this.#watch(registrations, (key, revision, value) => this.#onRegistration(key, revision, value === undefined ? undefined : (unpack(value) as Revision['registration'])));
    // Everyone who answers the snapshot request is alive; their sessions are the cluster's.
    const now = Date.now();
    for (const peer of this.#peers.values()) peer.seen = now;
    await this.#requestSnapshots(nc);
    if (rejoin) this.#applied.clear();
    const host = this.#host!;
    const all = await this.#registrations.all();
    // Callees of nodes that are gone (no one listens for them on NATS), or of an earlier life of
    // a node (this one included), are dropped from the bucket. A node merely slow to answer stays.
    const absent = new Set<string>();
    const unknown = new Set(all.flatMap((r) => (r.registration?.callees ?? []).map((c) => c.session.node)).filter((n) => n !== this.node && !this.#peers.has(n)));
    for (const node of unknown) if (await this.#absent(node)) absent.add(node);
    const stale = (c: StoredCallee): boolean => (c.session.node === this.node ? c.incarnation !== this.#incarnation : absent.has(c.session.node) || (this.#peers.has(c.session.node) && this.#peers.get(c.session.node)!.incarnation !== c.incarnation));
    for (const { key, revision, registration } of all) {
      this.#onRegistration(key, revision, registration);
      if (registration?.callees.some(stale) === true) {
        this.#track(this.#registrations.remove(key, stale).then((w) => (w !== undefined ? this.#announce(w) : undefined)));
      }
    }
    if (rejoin) {
      // The others may have taken this node for dead while NATS was away: say again who is here.
      for (const session of host.localSessions()) this.#announceSession(session);
      for (const r of host.localRegistrations()) {
        const session = r.session;
        const outcome = await this.register(session, r.procedure, r.match, r.invoke, r.discloseCaller, r.id).catch(() => undefined);
        if (outcome !== undefined && !outcome.ok) host.input(r.realm, { type: 'revoked', session: session.id, registration: r.id });
      }
      for (const route of this.#routes.values()) route.ready = undefined;
    }
    // Event histories keep what any node publishes: hear their topics for good, subscribers or not
    // (the NATS client renews its subscriptions when it reconnects).
    if (!rejoin) for (const h of host.histories()) this.listen(eventRoute(this.base, h.realm, h.uri, h.match));
    await this.#loadRetained();
    this.#state.next('ready');
  }

  async #watch(kv: KV, apply: (key: string, revision: number, value: Uint8Array | undefined) => void): Promise<void> {
    const watch = await kv.watch({ include: KvWatchInclude.UpdatesOnly });
    this.#watches.push(watch);
    void (async () => {
      try {
        for await (const entry of watch) apply(entry.key, entry.revision, entry.operation === 'PUT' ? entry.value : undefined);
      } catch (error) {
        if (!this.#closing) this.#logger.log('warn', 'cluster_watch_ended', { error: errorText(error) });
      }
    })();
  }

  async #requestSnapshots(nc: NatsConnection): Promise<void> {
    let replies: AsyncIterable<Msg>;
    try {
      replies = await nc.requestMany(`${this.#base}.snap`, pack({ node: this.node }), { strategy: 'timer', maxWait: Math.max(200, this.#heartbeatMs) });
    } catch {
      return; // No other node answers: this is the first.
    }
    try {
      for await (const msg of replies) {
        const snapshot = unpack(msg.data);
        if (snapshot !== undefined) this.#applySnapshot(snapshot);
      }
    } catch {
      // "no responders" ends the iteration on a cluster of one.
    }
  }

  #snapshot(): Dict {
    const sessions = [...(this.#host?.localSessions() ?? [])].map((s) => ({ realm: s.realm, info: sessionInfo(this.node, s) as unknown as Dict, testaments: (this.#testaments.get(s) ?? []) as unknown as Dict[] }));
    return { node: this.node, inc: this.#incarnation, sessions };
  }

  #applySnapshot(snapshot: Dict): void {
    const node = String(snapshot['node']);
    const inc = String(snapshot['inc']);
    if (node === this.node || !this.#heard(node, inc)) return;
    for (const entry of (snapshot['sessions'] as Dict[] | undefined) ?? []) {
      const realm = String(entry['realm']);
      const info = entry['info'] as unknown as SessionInfo;
      this.#host?.input(realm, { type: 'session-joined', session: info });
      for (const testament of (entry['testaments'] as unknown as ClusterTestament[] | undefined) ?? []) this.#host?.input(realm, { type: 'testament', session: info.id, testament });
    }
  }

  #heartbeat(): void {
    if (this.#state.value === 'disconnected') return;
    this.publish(`${this.#base}.hb`, { node: this.node, inc: this.#incarnation });
  }

  /** Records a sign of life; a new incarnation of a known node means its earlier life ended. False for a dead incarnation. */
  #heard(node: string, inc: string): boolean {
    if (this.#dead.has(`${node}/${inc}`)) return false;
    const peer = this.#peers.get(node);
    if (peer !== undefined && peer.incarnation !== inc) this.#nodeDown(node, 'restarted');
    if (peer === undefined || peer.incarnation !== inc) {
      this.#peers.set(node, { incarnation: inc, seen: Date.now() });
      this.#logger.log('info', 'cluster_node_joined', { node });
    } else {
      peer.seen = Date.now();
    }
    return true;
  }

  #onHeartbeat(value: Dict): void {
    const node = String(value['node']);
    const inc = String(value['inc']);
    if (node === this.node) return;
    if (value['bye'] === true) {
      if (this.#peers.get(node)?.incarnation === inc) this.#nodeDown(node, 'left the cluster');
      return;
    }
    this.#heard(node, inc);
  }

  #checkLiveness(): void {
    // While this node cannot hear anyone, silence proves nothing about the others.
    if (this.#state.value !== 'ready') return;
    const limit = Date.now() - this.#heartbeatMs * 3.5;
    for (const [node, peer] of [...this.#peers]) if (peer.seen < limit) this.#nodeDown(node, 'missed heartbeats');
  }

  #nodeDown(node: string, why: string): void {
    const peer = this.#peers.get(node);
    if (peer === undefined) return;
    this.#peers.delete(node);
    this.#dead.add(`${node}/${peer.incarnation}`);
    this.#logger.log('warn', 'cluster_node_lost', { node, why });
    for (const realm of this.#realms.keys()) this.#host?.input(realm, { type: 'node-down', node });
    const bucket = this.#registrations;
    if (bucket === undefined) return;
    const dead = (c: StoredCallee): boolean => c.session.node === node && c.incarnation === peer.incarnation;
    this.#track(
      bucket
        .all()
        .then(async (all) => {
          for (const { key, registration } of all) {
            if (registration?.callees.some(dead) !== true) continue;
            const written = await bucket.remove(key, dead);
            if (written !== undefined) await this.#announce(written);
          }
        })
        .catch((error: unknown) => this.#logger.log('warn', 'cluster_cleanup_failed', { node, error: errorText(error) })),
    );
  }

  /** Is there no node of this name on NATS at all (its inbox has no subscriber)? */
  async #absent(node: string): Promise<boolean> {
    try {
      await this.#nc!.request(`${this.#base}.n.${node}`, pack({ t: 'ping' }), { timeout: FLUSH_TIMEOUT_MS });
      return false;
    } catch (error) {
      return isNoResponders(error);
    }
  }

  #isDead(c: StoredCallee): boolean {
    return this.#dead.has(`${c.session.node}/${c.incarnation}`);
  }

  // ---- news from the others ----

  #onSessionNews(value: Dict): void {
    const node = String(value['node']);
    const inc = String(value['inc']);
    if (node === this.node || !this.#heard(node, inc)) return;
    const realm = String(value['realm']);
    switch (value['t']) {
      case 'join':
        this.#host?.input(realm, { type: 'session-joined', session: value['info'] as unknown as SessionInfo });
        return;
      case 'leave':
        this.#host?.input(realm, { type: 'session-left', id: Number(value['id']), reason: String(value['reason']) });
        return;
      case 'testament': {
        const flush = optional(value['flush']) as 'detached' | 'destroyed' | undefined;
        this.#host?.input(realm, { type: 'testament', session: Number(value['id']), testament: optional(value['testament']) as ClusterTestament | undefined, ...(flush !== undefined ? { flush } : {}) });
        return;
      }
    }
  }

  #onRegistration(key: string, revision: number, registration: Revision['registration']): void {
    if ((this.#applied.get(key) ?? 0) >= revision) return;
    this.#applied.set(key, revision);
    const parts = parseRegistrationKey(key);
    if (parts === undefined) return;
    const live = registration === undefined ? undefined : { ...registration, callees: registration.callees.filter((c) => !this.#isDead(c)) };
    this.#host?.input(parts.realm, { type: 'registration', procedure: parts.procedure, match: parts.match, registration: live !== undefined && live.callees.length > 0 ? live : undefined });
  }

  /** Applies a change this node wrote, and tells the others before the client hears of it (read your writes). */
  async #announce(written: Revision): Promise<void> {
    this.#onRegistration(written.key, written.revision, written.registration);
    this.publish(`${this.#base}.r`, { key: written.key, rev: written.revision, rec: (written.registration ?? null) as unknown as Dict });
    await this.sync();
  }

  #onEvent(route: string, msg: Msg): void {
    const value = unpack(msg.data);
    if (value === undefined) return;
    const publication = this.#publicationOf(value['p']);
    if (publication !== undefined) this.#host?.input(String(value['realm']), { type: 'event', route, publication });
  }

  #onRetained(value: Dict): void {
    const publication = this.#publicationOf(value['p']);
    // Every node keeps every retained event; the route matches no subscription, so nothing is delivered now.
    if (publication !== undefined) this.#host?.input(String(value['realm']), { type: 'event', route: '', publication: { ...publication, retain: true } });
  }

  async #loadRetained(): Promise<void> {
    const kv = this.#retained;
    if (kv === undefined) return;
    for await (const key of await kv.keys()) {
      const realm = realmOfRetainedKey(key);
      const entry = await kv.get(key);
      if (realm === undefined || entry === null || entry.operation !== 'PUT') continue;
      const value = unpack(entry.value);
      if (value !== undefined) this.#onRetained(value);
    }
  }

  #publicationOf(value: unknown): ClusterPublication | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const p = value as Record<string, unknown>;
    if (typeof p['topic'] !== 'string' || typeof p['id'] !== 'number') return undefined;
    return {
      topic: p['topic'],
      id: p['id'],
      details: (optional(p['details']) as Dict | undefined) ?? {},
      args: optional(p['args']) as unknown[] | undefined,
      kwargs: optional(p['kwargs']) as Dict | undefined,
      payload: optional(p['payload']) as ClusterPublication['payload'],
      eligibility: optional(p['eligibility']) as ClusterPublication['eligibility'],
      ...(p['retain'] === true ? { retain: true } : {}),
    };
  }

  #onDirect(value: Dict, msg: Msg): void {
    const realm = String(value['realm']);
    const host = this.#host;
    if (host === undefined) return;
    switch (value['t']) {
      case 'call': {
        const message = messageOf(value['msg']);
        const caller = value['caller'] as unknown as SessionInfo;
        if (message === undefined || (message.code !== Codes.CALL && message.code !== Codes.CANCEL)) return;
        if (!this.#heard(caller.node, String(value['inc']))) return;
        host.input(realm, { type: 'call', caller, message, registration: Number(value['reg']), callee: Number(value['callee']) });
        return;
      }
      case 'reply': {
        const message = messageOf(value['msg']);
        if (message === undefined || (message.code !== Codes.RESULT && message.code !== Codes.ERROR)) return;
        host.input(realm, { type: 'reply', session: Number(value['session']), message });
        return;
      }
      case 'probe': {
        const calls = Array.isArray(value['calls']) ? (value['calls'] as unknown[]) : [];
        const serving = calls.map((c) => Array.isArray(c) && host.serving(realm, Number(c[0]), Number(c[1])));
        msg.respond(pack({ serving }));
        return;
      }
      case 'kill':
        host.input(realm, { type: 'kill', session: Number(value['session']), reason: String(value['reason']), message: optional(value['message']) as string | undefined });
        return;
      case 'ping':
        msg.respond(pack({ node: this.node }));
        return;
      case 'revoke':
        host.input(realm, { type: 'revoke', what: value['what'] === 'subscription' ? 'subscription' : 'registration', session: Number(value['session']), id: Number(value['id']), reason: String(value['reason']) });
        return;
    }
  }

  announceJoin(session: RealmSession): void {
    this.#announceSession(session);
  }

  #announceSession(session: RealmSession): void {
    this.publish(`${this.#base}.s`, { t: 'join', realm: session.realm, node: this.node, inc: this.#incarnation, info: sessionInfo(this.node, session) as unknown as Dict });
    for (const testament of this.#testaments.get(session) ?? []) {
      this.publish(`${this.#base}.s`, { t: 'testament', realm: session.realm, node: this.node, inc: this.#incarnation, id: session.id, testament: testament as unknown as Dict });
    }
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}

/** One realm's view of the NATS link. */
class NatsRealmLink implements RealmLink {
  constructor(
    readonly cluster: NatsCluster,
    readonly name: string,
  ) {}

  get node(): string {
    return this.cluster.node;
  }

  get ready(): boolean {
    return this.cluster.ready;
  }

  joined(session: RealmSession): void {
    this.cluster.announceJoin(session);
  }

  left(session: RealmSession, reason: string): void {
    this.cluster.forgetTestaments(session);
    this.cluster.publish(`${this.cluster.base}.s`, { t: 'leave', realm: this.name, node: this.node, inc: this.cluster.incarnation, id: session.id, reason });
  }

  testament(session: RealmSession, testament: ClusterTestament | undefined, flush?: 'detached' | 'destroyed'): void {
    this.cluster.testament(session, testament, flush);
  }

  routeOf(topic: string, match: MatchPolicy): string {
    return eventRoute(this.cluster.base, this.name, topic, match);
  }

  prepare(topic: string, match: MatchPolicy): Promise<void> | undefined {
    return this.cluster.prepare(this.routeOf(topic, match));
  }

  listen(topic: string, match: MatchPolicy): void {
    this.cluster.listen(this.routeOf(topic, match));
  }

  unlisten(topic: string, match: MatchPolicy): void {
    this.cluster.unlisten(this.routeOf(topic, match));
  }

  publish(publication: ClusterPublication): void {
    this.cluster.publish(eventSubject(this.cluster.base, this.name, publication.topic), { realm: this.name, p: publication as unknown as Dict });
    if (publication.retain === true) this.cluster.retain(this.name, publication);
  }

  register(session: RealmSession, procedure: string, match: MatchPolicy, invoke: InvocationPolicy, discloseCaller: boolean, id: number): Promise<RegisterOutcome> {
    return this.cluster.register(session, procedure, match, invoke, discloseCaller, id);
  }

  unregister(session: RealmSession, procedure: string, match: MatchPolicy): void {
    this.cluster.unregister(session, procedure, match);
  }

  forward(node: string, caller: RealmSession, message: Message<'CALL'> | Message<'CANCEL'>, registration: number, callee: number): ForwardOutcome {
    return this.cluster.toNode(node, { t: 'call', realm: this.name, inc: this.cluster.incarnation, caller: sessionInfo(this.node, caller) as unknown as Dict, msg: message.toArray(), reg: registration, callee });
  }

  reply(node: string, session: number, message: Message<'RESULT'> | Message<'ERROR'>): void {
    if (this.cluster.toNode(node, { t: 'reply', realm: this.name, session, msg: message.toArray() }) !== 'too-large') return;
    // The caller must not wait for an answer NATS cannot carry: it learns why instead.
    const request = message.code === Codes.RESULT ? message.fields['CALL.Request'] : message.fields['REQUEST.Request'];
    const error = createMessage('ERROR', { 'REQUEST.Type': Codes.CALL, 'REQUEST.Request': request, Details: {}, Error: 'wamp.error.payload_size_exceeded', Arguments: ['the result exceeds the largest message NATS carries between nodes'] });
    this.cluster.toNode(node, { t: 'reply', realm: this.name, session, msg: error.toArray() });
  }

  revoke(node: string, what: 'registration' | 'subscription', session: number, id: number, reason: string): void {
    void this.cluster.toNode(node, { t: 'revoke', realm: this.name, what, session, id, reason });
  }

  kill(node: string, session: number, reason: string, message: string | undefined): void {
    void this.cluster.toNode(node, { t: 'kill', realm: this.name, session, reason, message });
  }

  sync(): Promise<void> {
    return this.cluster.sync();
  }

  probe(node: string, calls: ReadonlyArray<readonly [number, number]>): Promise<boolean[]> {
    return this.cluster.probe(node, this.name, calls);
  }

  subscriptionsElsewhere(): Promise<SubscriptionView[]> {
    return this.cluster.subscriptionsElsewhere(this.name);
  }
}
