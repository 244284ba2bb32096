import type { Observable } from 'rxjs';
import type { ClusterState } from '../router/cluster.js';

/** The config file's `"metrics"` section: `GET /metrics` on the WebSocket listener. */
export interface MetricsConfig {
  /**
   * Serve `/metrics`. Default: on when the WebSocket listener binds a loopback address,
   * off otherwise (turn it on explicitly, ideally with a `token`, to scrape from elsewhere).
   */
  readonly enabled?: boolean;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Node process metrics (CPU, memory, event loop, GC). Default true. */
  readonly process?: boolean;
}

/** The config file's `"dashboard"` section: the live page at `GET /dashboard`. */
export interface DashboardConfig {
  /** Serve `/dashboard`. Default false. */
  readonly enabled?: boolean;
  /** The realm the page joins and shows (default: the first configured realm). */
  readonly realm?: string;
  /**
   * The authroles the page admits: a login with another role is turned away. Default
   * `["anonymous"]` for a realm without `auth`; a realm with `auth` must name them.
   * The data itself is guarded by the realm's own role permissions on the `wamp.` meta API.
   */
  readonly roles?: readonly string[];
  /** How often the router publishes the rates topic, in milliseconds (default 1000). */
  readonly ratesIntervalMs?: number;
}

/** What `listen()` serves beside WAMP on the WebSocket listener's HTTP server. */
export interface ObservabilityOptions {
  /** `/metrics`; `false` turns it off. Default: see {@link MetricsConfig.enabled}. */
  readonly metrics?: MetricsConfig | false;
  /** `/dashboard`; off unless `enabled`. */
  readonly dashboard?: DashboardConfig;
  /**
   * Further readiness conditions for `/readyz` (e.g. "connected to NATS"): the router is
   * ready while every one's latest value is true; one that has not emitted yet counts as false.
   */
  readonly readiness?: ReadonlyArray<Observable<boolean>>;
  /** The cluster link's state, for the `rxwamp_cluster_state` gauge. */
  readonly clusterState$?: Observable<ClusterState>;
}

/** The topic on which the router publishes the dashboard's rates (one event per interval). */
export const RATES_TOPIC = 'rxwamp.dashboard.on_rates';

/** Is `host` a loopback address (or a name for one)? */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1';
}
