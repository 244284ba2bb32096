import type { Observable } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { Message, TransparentPayload } from '../protocol/message.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { Eligibility } from './publication.js';
import type { RealmSession } from './realm-session.js';
import type { InvocationPolicy } from './registration-store.js';

/**
 * Where a router stands in its cluster: `standalone` (no cluster configured), `connecting`
 * (starting, or re-joining after NATS came back), `ready` (connected and holding the
 * cluster's state), `disconnected` (NATS unreachable: local traffic goes on, cross-node
 * calls fail fast).
 */
export type ClusterState = 'standalone' | 'connecting' | 'ready' | 'disconnected';

/** Who a session is, as its node tells the others. */
export interface SessionInfo {
  /** The node the session is connected to. */
  readonly node: string;
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
  /** HELLO.Details.roles, for the features the dealer checks (progressive results, canceling). */
  readonly roles: Dict;
}

/** One callee of a cluster-wide registration. */
export interface ClusterCallee {
  readonly session: SessionInfo;
  readonly discloseCaller: boolean;
}

/** A registration as the cluster holds it (the dealers' stores mirror it). */
export interface ClusterRegistration {
  readonly id: number;
  readonly procedure: string;
  readonly match: MatchPolicy;
  readonly invoke: InvocationPolicy;
  readonly created: string;
  /** In the order they registered (policies `first` and `last` depend on it). */
  readonly callees: readonly ClusterCallee[];
}

/** A PUBLISH as it travels to the other nodes: one NATS message, whatever the number of receivers. */
export interface ClusterPublication {
  readonly topic: string;
  readonly id: number;
  readonly details: Dict;
  readonly args: unknown[] | undefined;
  readonly kwargs: Dict | undefined;
  readonly payload: TransparentPayload | undefined;
  readonly eligibility: Eligibility | undefined;
  /** Published with `retain: true`. */
  readonly retain?: boolean;
}

/** A testament of a session, kept by every node so that it is published when the session's node dies. */
export interface ClusterTestament {
  readonly scope: 'detached' | 'destroyed';
  readonly topic: string;
  readonly args: unknown[] | undefined;
  readonly kwargs: Dict | undefined;
  readonly options: Dict;
}

/** A subscription as a node describes it to the others (the meta API's cluster-wide view). */
export interface SubscriptionView {
  readonly id: number;
  readonly topic: string;
  readonly match: MatchPolicy;
  readonly created: string;
  readonly subscribers: readonly number[];
}

/** What became of a message for another node. */
export type ForwardOutcome = 'sent' | 'down' | 'too-large';

/** The answer of the cluster to a REGISTER. */
export type RegisterOutcome =
  | { readonly ok: true; readonly registration: ClusterRegistration }
  | { readonly ok: false; readonly error: string; readonly message: string };

/** What the cluster tells a realm. Sessions of other nodes arrive as descriptions; the realm keeps their stand-ins. */
export type ClusterInput =
  | { readonly type: 'session-joined'; readonly session: SessionInfo }
  | { readonly type: 'session-left'; readonly id: number; readonly reason: string }
  | { readonly type: 'testament'; readonly session: number; readonly testament: ClusterTestament | undefined; readonly flush?: 'detached' | 'destroyed' }
  /** A node is gone (missed heartbeats, or restarted under the same name): its sessions leave. */
  | { readonly type: 'node-down'; readonly node: string }
  /** NATS is unreachable: calls waiting for another node fail now rather than hang. */
  | { readonly type: 'link-down' }
  /** An event published on another node, that arrived on the NATS subscription `route`. */
  | { readonly type: 'event'; readonly route: string; readonly publication: ClusterPublication }
  /** A registration changed (undefined: it is gone). */
  | { readonly type: 'registration'; readonly procedure: string; readonly match: MatchPolicy; readonly registration: ClusterRegistration | undefined }
  /** The cluster answered a local session's REGISTER. */
  | { readonly type: 'registered'; readonly session: RealmSession; readonly request: number; readonly outcome: RegisterOutcome }
  /** A local callee's registration could not be re-established after NATS came back (another node took it). */
  | { readonly type: 'revoked'; readonly session: number; readonly registration: number }
  /** A CALL (first or progressive) or CANCEL of a caller on another node, for a callee of this node. */
  | { readonly type: 'call'; readonly caller: SessionInfo; readonly message: Message<'CALL'> | Message<'CANCEL'>; readonly registration: number; readonly callee: number }
  /** The answer to a probe: which of the asked calls their callee's node still serves. */
  | { readonly type: 'probed'; readonly calls: ReadonlyArray<readonly [number, number]>; readonly serving: readonly boolean[] }
  /** A RESULT or ERROR for a local caller from a callee on another node. */
  | { readonly type: 'reply'; readonly session: number; readonly message: Message<'RESULT'> | Message<'ERROR'> }
  /** The meta API of another node removes a local callee or subscriber. */
  | { readonly type: 'revoke'; readonly what: 'registration' | 'subscription'; readonly session: number; readonly id: number; readonly reason: string }
  /** The meta API of another node ends a local session. */
  | { readonly type: 'kill'; readonly session: number; readonly reason: string; readonly message: string | undefined };

/**
 * The cluster as one realm's pipeline sees it: what the stages tell the other nodes. The
 * router core knows only this interface; `natsCluster()` in `rxwamp/node` implements it.
 */
export interface RealmLink {
  /** This node's name. */
  readonly node: string;
  /** Connected and holding the cluster's state (cross-node calls can go out). */
  readonly ready: boolean;
  /** A local session joined: the other nodes learn who it is. */
  joined(session: RealmSession): void;
  /** A local session left. */
  left(session: RealmSession, reason: string): void;
  /** A local session's testaments changed (added, or a scope flushed). */
  testament(session: RealmSession, testament: ClusterTestament | undefined, flush?: 'detached' | 'destroyed'): void;
  /** The NATS subject events for this pattern arrive on (one NATS subscription per route). */
  routeOf(topic: string, match: MatchPolicy): string;
  /**
   * Makes this node hear events for a pattern. Undefined when it does already; otherwise
   * a promise that settles once NATS holds the interest (read your writes).
   */
  prepare(topic: string, match: MatchPolicy): Promise<void> | undefined;
  /** A local subscription for a pattern was created (counted per route). */
  listen(topic: string, match: MatchPolicy): void;
  /** A local subscription for a pattern is gone. */
  unlisten(topic: string, match: MatchPolicy): void;
  /** Sends a publication to the other nodes. */
  publish(publication: ClusterPublication): void;
  /** Registers a local callee cluster-wide (an atomic create for a single registration). */
  register(session: RealmSession, procedure: string, match: MatchPolicy, invoke: InvocationPolicy, discloseCaller: boolean, id: number): Promise<RegisterOutcome>;
  /** Removes a local callee cluster-wide. */
  unregister(session: RealmSession, procedure: string, match: MatchPolicy): void;
  /** Forwards a CALL or CANCEL to the callee's node: `sent`, `down` (the link is down) or `too-large` (beyond what NATS carries). */
  forward(node: string, caller: RealmSession, message: Message<'CALL'> | Message<'CANCEL'>, registration: number, callee: number): ForwardOutcome;
  /** Sends a RESULT or ERROR to a caller on another node. */
  reply(node: string, session: number, message: Message<'RESULT'> | Message<'ERROR'>): void;
  /** Asks another node to remove one of its callees or subscribers (meta API). */
  revoke(node: string, what: 'registration' | 'subscription', session: number, id: number, reason: string): void;
  /** Asks another node to end one of its sessions (meta API kill). */
  kill(node: string, session: number, reason: string, message: string | undefined): void;
  /** Settles once everything NATS had for this node before now has arrived (a CALL that found nothing looks again after it). */
  sync(): Promise<void>;
  /**
   * Asks a node which of these calls (caller session id, CALL request id) it is still
   * serving: a call NATS lost on its way (the callee's node was briefly cut off) would
   * otherwise wait forever. Resolves with one answer per call; all true when the node
   * cannot be asked (then nothing is failed on guesswork).
   */
  probe(node: string, calls: ReadonlyArray<readonly [number, number]>): Promise<boolean[]>;
  /** The subscriptions of this realm on the other nodes (what answers within a second). */
  subscriptionsElsewhere(): Promise<SubscriptionView[]>;
}

/** What the router offers a cluster link: a way into its realms, and its local state to re-announce. */
export interface ClusterHost {
  /** Hands an input to the realm of this name (a configured realm is created for it); false when there is no such realm. */
  input(realm: string, input: ClusterInput): boolean;
  /** The local sessions of every realm, to announce when (re)joining. */
  localSessions(): Iterable<RealmSession>;
  /** This node's subscriptions in a realm, for the meta API of the others. */
  subscriptions(realm: string): SubscriptionView[];
  /** Is this node serving a call of this remote caller (session id, CALL request id) in this realm? */
  serving(realm: string, caller: number, request: number): boolean;
  /** The configured event histories of every realm: the node hears their topics from every node, subscribers or not. */
  histories(): Iterable<{ readonly realm: string; readonly uri: string; readonly match: MatchPolicy }>;
  /** The registrations of local callees, to re-establish when NATS returns. */
  localRegistrations(): Iterable<{ readonly realm: string; readonly session: RealmSession; readonly procedure: string; readonly match: MatchPolicy; readonly invoke: InvocationPolicy; readonly discloseCaller: boolean; readonly id: number }>;
}

/**
 * A router's connection to its cluster (`natsCluster()` from `rxwamp/node`), given to
 * `new Router({ cluster })`. A router without one is standalone and works alone.
 */
export interface ClusterLink {
  /** This node's name. */
  readonly node: string;
  /** The state, current value first. */
  readonly state$: Observable<ClusterState>;
  /** Connects; settles once the node is ready. */
  start(host: ClusterHost): Promise<void>;
  /** The link for one realm. */
  realm(name: string): RealmLink;
  /** Leaves the cluster (after the router said GOODBYE to its sessions). */
  close(): Promise<void>;
}
