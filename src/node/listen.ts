import type { Subscription } from 'rxjs';
import type { Router } from '../router/router.js';
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
  /** Stops listening and closes the connections these listeners accepted. */
  close(): Promise<void>;
  /**
   * Reads the TLS listeners' certificate files again (what the CLI does on SIGHUP): open
   * sessions keep running, new connections get the new certificate. Rejects, keeping the
   * old certificate, when a file cannot be read or used.
   */
  reloadTls(): Promise<void>;
}

/**
 * Serves a router over WebSocket and RawSocket (TCP and Unix) at once: a thin layer that
 * attaches each accepted connection to the router. Resolves once every listener listens;
 * if one fails to start, the others are closed again and the promise rejects.
 */
export async function listen(router: Router, options: ListenOptions): Promise<RouterServer> {
  const limits = router.limits;
  const keepalive = keepaliveFor(router);
  const starting: Array<Promise<TransportServer>> = [];
  if (options.websocket !== undefined) {
    const ws = options.websocket;
    starting.push(
      serveWebSocket({
        host: ws.host ?? '127.0.0.1',
        port: ws.port,
        path: ws.path ?? '/ws',
        maxMessageSize: limits.maxMessageSize,
        handshakeTimeoutMs: limits.handshakeTimeoutMs,
        ...(ws.tls === undefined ? {} : { tls: ws.tls }),
        ...keepalive,
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
    await Promise.all(servers.map((s) => s.close()));
    throw failure.reason;
  }
  const attached: Subscription[] = servers.map((server) => server.connections$.subscribe((transport) => router.attach(transport)));
  return {
    urls: servers.flatMap((s) => s.urls),
    async reloadTls() {
      await Promise.all(servers.map((s) => s.reloadTls?.()));
    },
    async close() {
      for (const subscription of attached) subscription.unsubscribe();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
