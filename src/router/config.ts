import type { MatchPolicy } from '../protocol/uri.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Authorizer } from './authorize.js';
import type { ClusterLink } from './cluster.js';
import type { EventHistoryConfig } from './event-history.js';
import type { RealmAuthConfig } from './auth/config.js';
import type { Logger } from './logger.js';

/** The actions a permission may allow on a URI. */
export type Action = 'call' | 'register' | 'publish' | 'subscribe';

/** One permission of a role: a URI pattern and what it allows there (Crossbar's field names). */
export interface PermissionConfig {
  readonly uri: string;
  /** Defaults to `'exact'`. */
  readonly match?: MatchPolicy;
  readonly allow?: Partial<Readonly<Record<Action, boolean>>>;
  /** May sessions of this role disclose themselves as caller / publisher? Defaults to true. */
  readonly disclose?: { readonly caller?: boolean; readonly publisher?: boolean };
}

/** One role of a realm and its permissions. */
export interface RoleConfig {
  readonly name: string;
  readonly permissions: readonly PermissionConfig[];
}

/** A realm: its name, who may join (auth), and what each role may do (roles). */
export interface RealmConfig {
  readonly name: string;
  /** Absent: anonymous sessions only. Present: exactly the methods listed. */
  readonly auth?: RealmAuthConfig;
  /** A pluggable authenticator, used instead of `auth` (checks credentials elsewhere). */
  readonly authenticator?: Authenticator;
  /** Absent: every session may do everything. Present: only what its authrole allows. */
  readonly roles?: readonly RoleConfig[];
  /** A dynamic authorizer, asked after the static role permissions allowed an action. */
  readonly authorizer?: Authorizer;
  /** Topics whose latest events the broker keeps for `wamp.subscription.get_events`. */
  readonly history?: readonly EventHistoryConfig[];
  /**
   * A session may use only the client roles it announced in HELLO (SUBSCRIBE needs
   * `subscriber`, REGISTER `callee`, …); anything else ABORTs it with
   * `wamp.error.protocol_violation`. Default false: many clients announce roles loosely.
   */
  readonly strictPeerRoles?: boolean;
}

/** Limits that protect the router from its peers; every one has a safe default. */
export interface RouterLimits {
  /** Largest message, in bytes, the router accepts or sends (default 16 MiB). */
  readonly maxMessageSize?: number;
  /** Outbound messages queued for one session before it counts as a slow consumer (default 10,000). */
  readonly maxOutboundQueue?: number;
  /** Sessions across all realms (default 100,000). */
  readonly maxSessions?: number;
  /** Sessions in one realm (default 100,000). */
  readonly maxSessionsPerRealm?: number;
  /** Milliseconds a connection may take to complete the handshake (default 10,000). */
  readonly handshakeTimeoutMs?: number;
  /** Milliseconds a GOODBYE the router sent waits for an answer (default 2,000). */
  readonly goodbyeTimeoutMs?: number;
  /** Subscriptions one session may hold (default 1,000). */
  readonly maxSubscriptionsPerSession?: number;
  /** Registrations one session may hold (default 1,000). */
  readonly maxRegistrationsPerSession?: number;
  /** Calls one session may have waiting for their final RESULT or ERROR (default 1,000). */
  readonly maxPendingCallsPerSession?: number;
  /** Deepest nesting of arrays and objects in a message's fields (default 64). */
  readonly maxPayloadDepth?: number;
  /**
   * Milliseconds a connection may stay silent: listeners PING it every half of this and
   * drop it when the answer takes longer than the other half (default 60,000; 0 = off).
   */
  readonly idleTimeoutMs?: number;
}

/** Everything `new Router()` takes; the same shapes as the config file's `realms` and `limits`. */
export interface RouterConfig {
  readonly realms?: readonly RealmConfig[];
  /** Create a realm (anonymous, no roles) when a HELLO names an unknown one. Default false. */
  readonly autoCreateRealms?: boolean;
  readonly limits?: RouterLimits;
  /** Where structured log lines go (silent by default). */
  readonly logger?: Logger;
  /**
   * Keep the plain counters that `/metrics` and the dashboard read (messages by type, calls
   * by outcome, …). Default true; false counts nothing at all.
   */
  readonly stats?: boolean;
  /** The cluster this router is a node of (`natsCluster()` from `rxwamp/node`); absent: standalone. */
  readonly cluster?: ClusterLink;
}

/** The limits of config.ts that `effectiveLimits` fills in (the per-session ones are filled by limits.ts). */
export type EffectiveLimits = Required<Pick<RouterLimits, 'maxMessageSize' | 'maxOutboundQueue' | 'maxSessions' | 'maxSessionsPerRealm' | 'handshakeTimeoutMs' | 'goodbyeTimeoutMs'>>;

/** Fills in the defaults of the limits. */
export function effectiveLimits(limits: RouterLimits = {}): EffectiveLimits {
  return {
    maxMessageSize: limits.maxMessageSize ?? 16 * 1024 * 1024,
    maxOutboundQueue: limits.maxOutboundQueue ?? 10_000,
    maxSessions: limits.maxSessions ?? 100_000,
    maxSessionsPerRealm: limits.maxSessionsPerRealm ?? 100_000,
    handshakeTimeoutMs: limits.handshakeTimeoutMs ?? 10_000,
    goodbyeTimeoutMs: limits.goodbyeTimeoutMs ?? 2_000,
  };
}
