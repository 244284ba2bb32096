import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ConnectionQueue, urlHost } from './transport-server.js';
import type { TransportServer } from './transport-server.js';
import { readTlsContext, reloadTlsContext, tlsServerOptions } from './tls-listener.js';
import type { TlsListenerConfig } from './tls-listener.js';
import { webSocketUpgrades } from './websocket-upgrades.js';
import type { WebSocketUpgradeOptions } from './websocket-upgrades.js';

/** Options of {@link serveWebSocket}. */
export interface ServeWebSocketOptions extends WebSocketUpgradeOptions {
  /** The address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** The port; 0 picks a free one (see `urls`). */
  readonly port: number;
  /** Serve `wss://` with this certificate (reloadable with `reloadTls`). */
  readonly tls?: TlsListenerConfig;
  /** TLS only: how long a client may take for its TLS handshake (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  /**
   * Answers plain HTTP requests (`/metrics`, `/healthz`, …, see http-routes.ts); returns
   * false for a path it does not serve, which then gets the usual 426 Upgrade Required.
   */
  readonly onRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/**
 * A WebSocket router endpoint on `ws` (or `wss` with `tls`). Resolves once listening. It
 * selects the first subprotocol the client offers that it speaks, refuses (HTTP 400) a
 * client offering none, and emits each open connection on `connections$`.
 */
export async function serveWebSocket(options: ServeWebSocketOptions): Promise<TransportServer> {
  const queue = new ConnectionQueue();
  const upgrades = webSocketUpgrades(queue, options);
  const answerPlainRequest = (request: IncomingMessage, response: ServerResponse): void => {
    if (options.onRequest?.(request, response) === true) return;
    response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    response.end('this is a WAMP WebSocket endpoint\n');
  };
  const tlsConfig = options.tls;
  let http: Server | HttpsServer;
  if (tlsConfig === undefined) http = createServer(answerPlainRequest);
  else {
    http = createHttpsServer(tlsServerOptions(tlsConfig, await readTlsContext(tlsConfig), options.handshakeTimeoutMs ?? 10_000), answerPlainRequest);
    // A client that does not speak TLS (or distrusts us) fails its handshake; that concerns it alone.
    http.on('tlsClientError', (_error, socket) => socket.destroy());
  }
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => upgrades.handle(request, socket, head));
  http.on('clientError', (_err, socket: Socket) => socket.destroy());
  http.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const url = `${tlsConfig === undefined ? 'ws' : 'wss'}://${urlHost(address.address)}:${address.port}${options.path ?? '/'}`;

  let closing: Promise<void> | undefined;
  return {
    connections$: queue.connections$,
    urls: [url],
    ...(tlsConfig === undefined ? {} : { reloadTls: () => reloadTlsContext(http as HttpsServer, tlsConfig) }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        queue.close();
        const goodbyes = upgrades.close();
        http.close();
        http.closeAllConnections();
        void goodbyes.then(() => resolve());
      });
      return closing;
    },
  };
}
