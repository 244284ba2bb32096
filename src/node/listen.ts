import type { Subscription } from 'rxjs';
import type { Router } from '../router/router.js';
import { serveRawSocket } from './serve-rawsocket.js';
import { serveWebSocket } from './serve-websocket.js';
import type { TransportServer } from './transport-server.js';

/** A WebSocket listener (all three WAMP subprotocols). */
export interface WebSocketListenerConfig {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 lets the OS pick (see `urls`). */
  readonly port: number;
  /** Default `/ws`. */
  readonly path?: string;
}

/** A RawSocket listener over TCP. */
export interface RawSocketListenerConfig {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
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
}

/**
 * Serves a router over WebSocket and RawSocket (TCP and Unix) at once: a thin layer that
 * attaches each accepted connection to the router. Resolves once every listener listens;
 * if one fails to start, the others are closed again and the promise rejects.
 */
export async function listen(router: Router, options: ListenOptions): Promise<RouterServer> {
  const limits = router.limits;
  // A silent peer is pinged after half the idle timeout and dropped if the answer takes the other half.
  const half = Math.max(1, Math.floor(limits.idleTimeoutMs / 2));
  const keepalive = limits.idleTimeoutMs > 0 ? { keepalive: { intervalMs: half, timeoutMs: half } } : {};
  const starting: Array<Promise<TransportServer>> = [];
  if (options.websocket !== undefined) {
    const ws = options.websocket;
    starting.push(serveWebSocket({ host: ws.host ?? '127.0.0.1', port: ws.port, path: ws.path ?? '/ws', maxMessageSize: limits.maxMessageSize, ...keepalive }));
  }
  if (options.rawsocket !== undefined) {
    starting.push(serveRawSocket({ host: options.rawsocket.host ?? '127.0.0.1', port: options.rawsocket.port, maxMessageSize: limits.maxMessageSize, handshakeTimeoutMs: limits.handshakeTimeoutMs, ...keepalive }));
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
    async close() {
      for (const subscription of attached) subscription.unsubscribe();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
