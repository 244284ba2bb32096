import { map } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { Router } from '../router/router.js';
import { dashboardPageConfig } from './dashboard/dashboard-access.js';
import { ratesOf } from './dashboard/rates.js';
import { httpRoutes } from './http-routes.js';
import { isLoopbackHost } from './observability-config.js';
import type { MetricsConfig, ObservabilityOptions } from './observability-config.js';

/** The options with the router's cluster state filled in: a gauge, and a readiness condition (ready once connected). */
function withClusterState(router: Router, observability: ObservabilityOptions): ObservabilityOptions {
  const clusterState$ = observability.clusterState$ ?? router.clusterState$;
  const linked$ = clusterState$.pipe(map((state) => state === 'ready' || state === 'standalone'));
  return { ...observability, clusterState$, readiness: [...(observability.readiness ?? []), linked$] };
}
import { serveRawSocket } from './serve-rawsocket.js';
import { serveWebSocket } from './serve-websocket.js';
import type { TransportServer } from './transport-server.js';
import { keepaliveFor } from './keepalive-for.js';
import type { TlsListenerConfig } from './tls-listener.js';

/** A WebSocket listener (all three WAMP subprotocols). */
export interface WebSocketListenerConfig {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 lets the OS pick (see `urls`). */
  readonly port: number;
  /** Default `/ws`. */
  readonly path?: string;
  /** Serve `wss://` with these PEM files. */
  readonly tls?: TlsListenerConfig;
}

/** A RawSocket listener over TCP. */
export interface RawSocketListenerConfig {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  /** Serve `rss://` (RawSocket over TLS) with these PEM files. */
  readonly tls?: TlsListenerConfig;
}

/** A RawSocket listener over a Unix domain socket. */
export interface UnixListenerConfig {
  readonly path: string;
}

/** The `listeners` section of the config: each listener optional, in whatever combination. */
export interface ListenOptions {
  readonly websocket?: WebSocketListenerConfig;
  readonly rawsocket?: RawSocketListenerConfig;
  readonly unix?: UnixListenerConfig;
}

/** The router's listeners, once listening. */
export interface RouterServer {
  /** Every URL served, with real ports: `ws://127.0.0.1:8080/ws`, `rs://127.0.0.1:8081`, `unix:/run/rxwamp.sock`. */
  readonly urls: string[];
  /** Which HTTP endpoints the WebSocket listener serves besides `/healthz` and `/readyz`. */
  readonly serves: { readonly metrics: boolean; readonly dashboard: boolean };
  /** Stops listening and closes the connections these listeners accepted. */
  close(): Promise<void>;
  /**
   * Reads the TLS listeners' certificate files again (what the CLI does on SIGHUP): open
   * sessions keep running, new connections get the new certificate. Rejects, keeping the
   * old certificate, when a file cannot be read or used.
   */
  reloadTls(): Promise<void>;
}

/** `/metrics` as configured, or undefined when it is not served (by default: served on loopback only). */
function metricsOn(config: MetricsConfig | false | undefined, host: string): MetricsConfig | undefined {
  if (config === false || config?.enabled === false) return undefined;
  if (config?.enabled === true || isLoopbackHost(host)) return config ?? {};
  return undefined;
}

/**
 * Serves a router over WebSocket and RawSocket (TCP and Unix) at once: a thin layer that
 * attaches each accepted connection to the router. Resolves once every listener listens;
 * if one fails to start, the others are closed again and the promise rejects.
 *
 * The WebSocket listener's HTTP server also answers `/healthz`, `/readyz`, `/metrics` and
 * `/dashboard` as `observability` says (see ARCHITECTURE.md, "Observability").
 */
export async function listen(router: Router, options: ListenOptions, given: ObservabilityOptions = {}): Promise<RouterServer> {
  const observability = withClusterState(router, given);
  const limits = router.limits;
  const keepalive = keepaliveFor(router);
  const starting: Array<Promise<TransportServer>> = [];
  let stopping = false;
  let closedListeners = 0;
  const wsHost = options.websocket?.host ?? '127.0.0.1';
  const wsPath = options.websocket?.path ?? '/ws';
  const dashboard = observability.dashboard?.enabled === true && options.websocket !== undefined ? dashboardPageConfig(router, observability.dashboard, wsHost, wsPath) : undefined;
  const metrics = options.websocket === undefined ? undefined : metricsOn(observability.metrics, wsHost);
  const routes = httpRoutes({ router, listening: () => !stopping && closedListeners === 0, metrics, dashboard }, observability);
  if (options.websocket !== undefined) {
    const ws = options.websocket;
    starting.push(
      serveWebSocket({
        host: wsHost,
        port: ws.port,
        path: wsPath,
        maxMessageSize: limits.maxMessageSize,
        handshakeTimeoutMs: limits.handshakeTimeoutMs,
        ...(ws.tls === undefined ? {} : { tls: ws.tls }),
        ...keepalive,
        onRequest: routes.handle,
      }),
    );
  }
  if (options.rawsocket !== undefined) {
    const rs = options.rawsocket;
    starting.push(
      serveRawSocket({
        host: rs.host ?? '127.0.0.1',
        port: rs.port,
        maxMessageSize: limits.maxMessageSize,
        handshakeTimeoutMs: limits.handshakeTimeoutMs,
        ...(rs.tls === undefined ? {} : { tls: rs.tls }),
        ...keepalive,
      }),
    );
  }
  if (options.unix !== undefined) {
    starting.push(serveRawSocket({ path: options.unix.path, maxMessageSize: limits.maxMessageSize, handshakeTimeoutMs: limits.handshakeTimeoutMs, ...keepalive }));
  }
  const settled = await Promise.allSettled(starting);
  const servers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== undefined) {
    routes.close();
    await Promise.all(servers.map((s) => s.close()));
    throw failure.reason;
  }
  const attached: Subscription[] = servers.map((server) =>
    server.connections$.subscribe({ next: (transport) => router.attach(transport), complete: () => closedListeners++ }),
  );
  if (dashboard !== undefined) {
    // The dashboard's rates topic, published into its realm by the router itself.
    attached.push(ratesOf(router, dashboard.realm, dashboard.ratesIntervalMs).subscribe((sample) => router.realm(dashboard.realm)?.publishFromRouter(dashboard.ratesTopic, [sample])));
  }
  return {
    urls: servers.flatMap((s) => s.urls),
    async reloadTls() {
      await Promise.all(servers.map((s) => s.reloadTls?.()));
    },
    serves: { metrics: metrics !== undefined, dashboard: dashboard !== undefined },
    async close() {
      stopping = true;
      routes.close();
      for (const subscription of attached) subscription.unsubscribe();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
