import { BehaviorSubject, distinctUntilChanged } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Dict } from '../../src/protocol/dict.js';
import { Codes } from '../../src/protocol/message-table.js';
import { createMessage, messageFromArray } from '../../src/protocol/message.js';
import type { Message, WampMessage } from '../../src/protocol/message.js';
import { uriMatches } from '../../src/protocol/uri.js';
import type { MatchPolicy } from '../../src/protocol/uri.js';
import { pack } from '../../src/node/cluster/wire.js';
import type {
  ClusterCallee,
  ClusterHost,
  ClusterInput,
  ClusterLink,
  ClusterPublication,
  ClusterRegistration,
  ClusterState,
  ClusterTestament,
  ForwardOutcome,
  RealmLink,
  RegisterOutcome,
  SubscriptionView,
} from '../../src/router/cluster.js';
import type { RealmSession } from '../../src/router/realm-session.js';
import type { InvocationPolicy } from '../../src/router/registration-store.js';
import { sessionInfo } from '../../src/router/remote-session.js';

/*
 * Why this lives in spec/support and not in src/testing: it exists to drive the router's
 * cluster paths (dealer, broker, realm, meta) in fast in-process specs, the ones mutation
 * testing runs. A cluster behaves as one router to its clients, so an application has
 * nothing multi-node to test that a single `Router` does not already show; the NATS link
 * stays the only product implementation of `ClusterLink`.
 */

/** How a MemoryCluster behaves. */
export interface MemoryClusterOptions {
  /** The largest message (CBOR bytes, as the NATS link measures it) the cluster carries; default unlimited. */
  readonly maxPayload?: number;
}

/**
 * Several routers of one process joined as a cluster: a working implementation of the
 * `ClusterLink` contract of `src/router/cluster.ts` with the NATS link's semantics (read
 * your writes for registrations, one delivery per event route, probes, node loss), on a
 * shared in-memory store. Messages between nodes are delivered in order, each in its own
 * microtask (as NATS delivers them later, never during the send); `sync()` settles after
 * everything sent before it.
 */
export class MemoryCluster {
  readonly maxPayload: number;
  readonly #nodes = new Map<string, MemoryNode>();
  /** The cluster's registrations by realm, match and procedure. */
  readonly #registrations = new Map<string, ClusterRegistration>();
  /** The last retained event per realm and topic. */
  readonly #retained = new Map<string, { readonly realm: string; readonly publication: ClusterPublication }>();

  constructor(options: MemoryClusterOptions = {}) {
    this.maxPayload = options.maxPayload ?? Infinity;
  }

  /** The link of a new node of this cluster, for `new Router({ cluster })`. */
  node(name: string): MemoryNode {
    if (this.#nodes.has(name)) throw new Error(`node '${name}' exists already`);
    const node = new MemoryNode(this, name);
    this.#nodes.set(name, node);
    return node;
  }

  /** The nodes other than `self` that hear the cluster now. */
  peersOf(self: MemoryNode): MemoryNode[] {
    return [...this.#nodes.values()].filter((n) => n !== self && n.connected);
  }

  /** A node by name: undefined once it is gone (closed or crashed). */
  nodeNamed(name: string): MemoryNode | undefined {
    return this.#nodes.get(name);
  }

  /** Runs `deliver` on `to` later, in order with everything else sent; dropped if `to` cannot hear by then. */
  send(to: MemoryNode | undefined, deliver: (host: ClusterHost) => void): void {
    queueMicrotask(() => {
      const host = to?.hostIfHearing();
      if (host !== undefined) deliver(host);
    });
  }

  /** Tells every live node but `from` (the link does not echo a node's own messages). */
  broadcast(from: MemoryNode, deliver: (host: ClusterHost) => void): void {
    for (const node of this.peersOf(from)) this.send(node, deliver);
  }

  /** Does a message fit into what the cluster carries? */
  fits(value: Dict): boolean {
    return pack(value).length <= this.maxPayload;
  }

  // ---- the shared registrations (the NATS link's key-value bucket) ----

  /** Adds a callee: creates the registration, or joins a shared one whose policy matches. */
  add(realm: string, fresh: Omit<ClusterRegistration, 'callees'>, callee: ClusterCallee): { outcome: RegisterOutcome; written: boolean } {
    const key = registrationKey(realm, fresh.match, fresh.procedure);
    const current = this.#registrations.get(key);
    if (current === undefined) {
      const next = { ...fresh, callees: [callee] };
      this.#registrations.set(key, next);
      return { outcome: { ok: true, registration: next }, written: true };
    }
    if (current.callees.some((c) => c.session.id === callee.session.id)) return { outcome: { ok: true, registration: current }, written: false };
    if (current.invoke === 'single' || current.invoke !== fresh.invoke) {
      return { outcome: { ok: false, error: 'wamp.error.procedure_already_exists', message: `'${current.procedure}' is already registered (invocation policy '${current.invoke}')` }, written: false };
    }
    const next = { ...current, callees: [...current.callees, callee] };
    this.#registrations.set(key, next);
    return { outcome: { ok: true, registration: next }, written: true };
  }

  /** Removes the callees `drop` picks (from the one registration `only` names, or from all); returns what changed. */
  remove(drop: (c: ClusterCallee) => boolean, only?: { realm: string; procedure: string; match: MatchPolicy }): Array<{ realm: string; procedure: string; match: MatchPolicy; registration: ClusterRegistration | undefined }> {
    const changed = [];
    for (const [key, current] of [...this.#registrations]) {
      const { realm, match, procedure } = parseKey(key);
      if (only !== undefined && key !== registrationKey(only.realm, only.match, only.procedure)) continue;
      if (!current.callees.some(drop)) continue;
      const callees = current.callees.filter((c) => !drop(c));
      const registration = callees.length > 0 ? { ...current, callees } : undefined;
      if (registration === undefined) this.#registrations.delete(key);
      else this.#registrations.set(key, registration);
      changed.push({ realm, procedure, match, registration });
    }
    return changed;
  }

  /** Every registration, for a (re)joining node. */
  registrations(): Array<{ realm: string; procedure: string; match: MatchPolicy; registration: ClusterRegistration }> {
    return [...this.#registrations].map(([key, registration]) => ({ ...parseKey(key), registration }));
  }

  retain(realm: string, publication: ClusterPublication): void {
    this.#retained.set(`${realm}\n${publication.topic}`, { realm, publication });
  }

  retained(): Iterable<{ readonly realm: string; readonly publication: ClusterPublication }> {
    return this.#retained.values();
  }

  /**
   * The others take a node for gone (it closed, crashed, or missed its heartbeats): its
   * sessions leave them and its callees are dropped. A node taken for gone while alive
   * (`disconnect(true)`) comes back with `rejoined`.
   */
  lost(node: MemoryNode): Promise<void> {
    this.#nodes.delete(node.node);
    for (const peer of this.peersOf(node)) {
      this.send(peer, (host) => {
        for (const realm of peer.realmNames()) host.input(realm, { type: 'node-down', node: node.node });
      });
    }
    for (const change of this.remove((c) => c.session.node === node.node)) this.announce(undefined, change);
    return new Promise((resolve) => queueMicrotask(resolve));
  }

  /** A node taken for gone is back. */
  rejoined(node: MemoryNode): void {
    this.#nodes.set(node.node, node);
  }

  /** Tells every node (and `self` at once, read your writes) that a registration changed. */
  announce(self: MemoryNode | undefined, change: { realm: string; procedure: string; match: MatchPolicy; registration: ClusterRegistration | undefined }): void {
    const input: ClusterInput = { type: 'registration', procedure: change.procedure, match: change.match, registration: change.registration };
    self?.hostIfHearing()?.input(change.realm, input);
    for (const node of [...this.#nodes.values()].filter((n) => n !== self)) this.send(node, (host) => host.input(change.realm, input));
  }
}

function registrationKey(realm: string, match: MatchPolicy, procedure: string): string {
  return JSON.stringify([realm, match, procedure]);
}

function parseKey(key: string): { realm: string; match: MatchPolicy; procedure: string } {
  const [realm, match, procedure] = JSON.parse(key) as [string, MatchPolicy, string];
  return { realm, match, procedure };
}

/** A copy of a WAMP message as another node reads it (the NATS link sends the array form). */
function copied<M extends WampMessage>(message: M): M {
  return messageFromArray(message.toArray()) as M;
}

/**
 * One node's link to a MemoryCluster. Besides the `ClusterLink` contract it offers the
 * faults the specs need: `disconnect()`/`reconnect()` (the cluster is unreachable for a
 * while, the others do not notice) and `crash()` (the node dies: the others take it for gone).
 */
export class MemoryNode implements ClusterLink {
  readonly state$: Observable<ClusterState>;
  readonly #state = new BehaviorSubject<ClusterState>('connecting');
  readonly #realms = new Map<string, MemoryRealmLink>();
  /** Event routes this node hears, with the local subscriptions behind each. */
  readonly #routes = new Map<string, { count: number }>();
  /** Testaments of local sessions, for nodes that join later. */
  readonly #testaments = new Map<RealmSession, ClusterTestament[]>();
  #host: ClusterHost | undefined;
  #gone = false;

  constructor(
    readonly cluster: MemoryCluster,
    readonly node: string,
  ) {
    this.state$ = this.#state.pipe(distinctUntilChanged());
  }

  get connected(): boolean {
    return !this.#gone && this.#state.value !== 'disconnected' && this.#host !== undefined;
  }

  get ready(): boolean {
    return this.#state.value === 'ready';
  }

  /** The host, while this node hears the cluster. */
  hostIfHearing(): ClusterHost | undefined {
    return this.connected ? this.#host : undefined;
  }

  realmNames(): Iterable<string> {
    return this.#realms.keys();
  }

  realm(name: string): RealmLink {
    let link = this.#realms.get(name);
    if (link === undefined) this.#realms.set(name, (link = new MemoryRealmLink(this, name)));
    return link;
  }

  async start(host: ClusterHost): Promise<void> {
    this.#host = host;
    // Connecting takes a moment on any real link; the router is 'connecting' meanwhile.
    await this.sync();
    await this.#join(false);
  }

  async close(): Promise<void> {
    if (this.#gone) return;
    this.#gone = true;
    this.cluster.lost(this);
    this.#state.next('disconnected');
    this.#state.complete();
  }

  /**
   * The cluster becomes unreachable for this node: calls waiting on other nodes fail, and
   * nothing arrives. With `noticed`, the others take it for gone meanwhile (it stayed away
   * longer than their heartbeat limit).
   */
  disconnect(noticed = false): Promise<void> {
    this.#state.next('disconnected');
    for (const realm of this.#realms.keys()) this.#host?.input(realm, { type: 'link-down' });
    return noticed ? this.cluster.lost(this) : Promise.resolve();
  }

  /** The cluster is reachable again: this node re-joins (sessions re-announced, registrations re-established). */
  reconnect(): Promise<void> {
    this.cluster.rejoined(this);
    this.#state.next('connecting');
    return this.#join(true);
  }

  /** The node dies without a word: the others take it for gone (as after missed heartbeats). Settles once they know. */
  crash(): Promise<void> {
    this.#gone = true;
    this.#state.next('disconnected');
    return this.cluster.lost(this);
  }

  async #join(rejoin: boolean): Promise<void> {
    const host = this.#host!;
    // What a snapshot request brings: the sessions of the others, with their testaments.
    for (const peer of this.cluster.peersOf(this)) {
      for (const session of peer.#host!.localSessions()) {
        host.input(session.realm, { type: 'session-joined', session: sessionInfo(peer.node, session) });
        for (const testament of peer.#testaments.get(session) ?? []) host.input(session.realm, { type: 'testament', session: session.id, testament });
      }
    }
    for (const { realm, procedure, match, registration } of this.cluster.registrations()) host.input(realm, { type: 'registration', procedure, match, registration });
    if (rejoin) {
      for (const session of host.localSessions()) this.announce(session);
      for (const r of host.localRegistrations()) {
        const outcome = await this.register(r.session, r.procedure, r.match, r.invoke, r.discloseCaller, r.id);
        if (!outcome.ok) host.input(r.realm, { type: 'revoked', session: r.session.id, registration: r.id });
      }
    } else {
      for (const h of host.histories()) this.listen(h.realm, h.uri, h.match);
    }
    for (const { realm, publication } of this.cluster.retained()) host.input(realm, { type: 'event', route: '', publication: { ...publication, retain: true } });
    this.#state.next('ready');
  }

  // ---- what the realm links use ----

  announce(session: RealmSession): void {
    const info = sessionInfo(this.node, session);
    this.cluster.broadcast(this, (host) => host.input(session.realm, { type: 'session-joined', session: info }));
    for (const testament of this.#testaments.get(session) ?? []) {
      this.cluster.broadcast(this, (host) => host.input(session.realm, { type: 'testament', session: session.id, testament }));
    }
  }

  left(session: RealmSession, reason: string): void {
    this.#testaments.delete(session);
    if (this.connected) this.cluster.broadcast(this, (host) => host.input(session.realm, { type: 'session-left', id: session.id, reason }));
  }

  testament(session: RealmSession, testament: ClusterTestament | undefined, flush: 'detached' | 'destroyed' | undefined): void {
    let list = this.#testaments.get(session) ?? [];
    if (flush !== undefined) list = list.filter((t) => t.scope !== flush);
    if (testament !== undefined) list = [...list, testament];
    this.#testaments.set(session, list);
    if (!this.connected) return;
    this.cluster.broadcast(this, (host) => host.input(session.realm, { type: 'testament', session: session.id, testament, ...(flush !== undefined ? { flush } : {}) }));
  }

  /** The name a route has on this cluster: realm, match policy and pattern. */
  route(realm: string, topic: string, match: MatchPolicy): string {
    return JSON.stringify([realm, match, topic]);
  }

  prepare(realm: string, topic: string, match: MatchPolicy): Promise<void> | undefined {
    const route = this.route(realm, topic, match);
    if (this.#routes.has(route)) return undefined;
    this.#routes.set(route, { count: 0 });
    // The interest holds once everything sent before it is through (a flush, on NATS).
    return this.connected ? this.sync() : undefined;
  }

  listen(realm: string, topic: string, match: MatchPolicy): void {
    void this.prepare(realm, topic, match);
    this.#routes.get(this.route(realm, topic, match))!.count++;
  }

  unlisten(realm: string, topic: string, match: MatchPolicy): void {
    const route = this.route(realm, topic, match);
    const entry = this.#routes.get(route);
    if (entry === undefined || --entry.count > 0) return;
    this.#routes.delete(route);
  }

  /** Delivers an event of another node once per route of this node that matches it. */
  hear(host: ClusterHost, realm: string, publication: ClusterPublication): void {
    for (const route of this.#routes.keys()) {
      const [routeRealm, match, pattern] = JSON.parse(route) as [string, MatchPolicy, string];
      if (routeRealm === realm && uriMatches(pattern, match, publication.topic)) host.input(realm, { type: 'event', route, publication });
    }
  }

  publish(realm: string, publication: ClusterPublication): void {
    if (!this.connected) return;
    const copy = structuredClone(publication);
    for (const node of this.cluster.peersOf(this)) this.cluster.send(node, (host) => node.hear(host, realm, copy));
    if (publication.retain !== true) return;
    this.cluster.retain(realm, copy);
    this.cluster.broadcast(this, (host) => host.input(realm, { type: 'event', route: '', publication: copy }));
  }

  async register(session: RealmSession, procedure: string, match: MatchPolicy, invoke: InvocationPolicy, discloseCaller: boolean, id: number): Promise<RegisterOutcome> {
    if (!this.connected) return { ok: false, error: 'wamp.error.unavailable', message: 'the cluster link is down: registrations wait for NATS' };
    const { outcome, written } = this.cluster.add(session.realm, { id, procedure, match, invoke, created: new Date().toISOString() }, { session: sessionInfo(this.node, session), discloseCaller });
    if (written) {
      this.cluster.announce(this, { realm: session.realm, procedure, match, registration: outcome.ok ? outcome.registration : undefined });
      await this.sync();
    }
    return outcome;
  }

  unregister(session: RealmSession, procedure: string, match: MatchPolicy): void {
    if (!this.connected) return;
    const mine = (c: ClusterCallee): boolean => c.session.id === session.id && c.session.node === this.node;
    // A key-value write takes a moment, as on NATS: what this node sends meanwhile (the leave
    // of the callee, say) reaches the others first.
    void this.sync().then(() => {
      for (const change of this.cluster.remove(mine, { realm: session.realm, procedure, match })) this.cluster.announce(this, change);
    });
  }

  /** Sends to one node: `down` while this node cannot reach the cluster, `too-large` beyond the cluster's limit. */
  toNode(node: string, value: Dict, deliver: (host: ClusterHost) => void): ForwardOutcome {
    if (!this.connected) return 'down';
    if (!this.cluster.fits(value)) return 'too-large';
    this.cluster.send(this.cluster.nodeNamed(node), deliver);
    return 'sent';
  }

  sync(): Promise<void> {
    return new Promise((resolve) => queueMicrotask(resolve));
  }

  async probe(node: string, realm: string, calls: ReadonlyArray<readonly [number, number]>): Promise<boolean[]> {
    const target = this.cluster.nodeNamed(node);
    // Nobody answers for a node that is gone; a node that cannot be asked is given the benefit of the doubt.
    if (target === undefined) return calls.map(() => false);
    await this.sync();
    const host = this.connected ? target.hostIfHearing() : undefined;
    return host === undefined ? calls.map(() => true) : calls.map(([caller, request]) => host.serving(realm, caller, request));
  }

  async subscriptionsElsewhere(realm: string): Promise<SubscriptionView[]> {
    if (!this.connected) return [];
    await this.sync();
    return this.cluster.peersOf(this).flatMap((peer) => peer.hostIfHearing()?.subscriptions(realm) ?? []);
  }
}

/** One realm's view of a MemoryNode. */
class MemoryRealmLink implements RealmLink {
  constructor(
    readonly link: MemoryNode,
    readonly name: string,
  ) {}

  get node(): string {
    return this.link.node;
  }

  get ready(): boolean {
    return this.link.ready;
  }

  joined(session: RealmSession): void {
    if (this.link.connected) this.link.announce(session);
  }

  left(session: RealmSession, reason: string): void {
    this.link.left(session, reason);
  }

  testament(session: RealmSession, testament: ClusterTestament | undefined, flush?: 'detached' | 'destroyed'): void {
    this.link.testament(session, testament, flush);
  }

  routeOf(topic: string, match: MatchPolicy): string {
    return this.link.route(this.name, topic, match);
  }

  prepare(topic: string, match: MatchPolicy): Promise<void> | undefined {
    return this.link.prepare(this.name, topic, match);
  }

  listen(topic: string, match: MatchPolicy): void {
    this.link.listen(this.name, topic, match);
  }

  unlisten(topic: string, match: MatchPolicy): void {
    this.link.unlisten(this.name, topic, match);
  }

  publish(publication: ClusterPublication): void {
    this.link.publish(this.name, publication);
  }

  register(session: RealmSession, procedure: string, match: MatchPolicy, invoke: InvocationPolicy, discloseCaller: boolean, id: number): Promise<RegisterOutcome> {
    return this.link.register(session, procedure, match, invoke, discloseCaller, id);
  }

  unregister(session: RealmSession, procedure: string, match: MatchPolicy): void {
    this.link.unregister(session, procedure, match);
  }

  forward(node: string, caller: RealmSession, message: Message<'CALL'> | Message<'CANCEL'>, registration: number, callee: number): ForwardOutcome {
    const info = sessionInfo(this.node, caller);
    const copy = copied(message);
    return this.link.toNode(node, { msg: message.toArray() as unknown as Dict }, (host) => host.input(this.name, { type: 'call', caller: info, message: copy, registration, callee }));
  }

  reply(node: string, session: number, message: Message<'RESULT'> | Message<'ERROR'>): void {
    const send = (m: Message<'RESULT'> | Message<'ERROR'>): ForwardOutcome => {
      const copy = copied(m);
      return this.link.toNode(node, { msg: m.toArray() as unknown as Dict }, (host) => host.input(this.name, { type: 'reply', session, message: copy }));
    };
    if (send(message) !== 'too-large') return;
    // As the NATS link does: the caller learns why instead of waiting for an answer the cluster cannot carry.
    const request = message.code === Codes.RESULT ? message.fields['CALL.Request'] : message.fields['REQUEST.Request'];
    send(createMessage('ERROR', { 'REQUEST.Type': Codes.CALL, 'REQUEST.Request': request, Details: {}, Error: 'wamp.error.payload_size_exceeded', Arguments: ['the result exceeds the largest message the cluster carries'] }));
  }

  revoke(node: string, what: 'registration' | 'subscription', session: number, id: number, reason: string): void {
    void this.link.toNode(node, {}, (host) => host.input(this.name, { type: 'revoke', what, session, id, reason }));
  }

  kill(node: string, session: number, reason: string, message: string | undefined): void {
    void this.link.toNode(node, {}, (host) => host.input(this.name, { type: 'kill', session, reason, message }));
  }

  sync(): Promise<void> {
    return this.link.sync();
  }

  probe(node: string, calls: ReadonlyArray<readonly [number, number]>): Promise<boolean[]> {
    return this.link.probe(node, this.name, calls);
  }

  subscriptionsElsewhere(): Promise<SubscriptionView[]> {
    return this.link.subscriptionsElsewhere(this.name);
  }
}
