import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { SUBPROTOCOLS } from '../serialization/registry.js';
import { webSocketTransport } from '../transport/websocket/transport.js';
import { writeCoalescer } from './coalesce-writes.js';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';
import { ConnectionQueue, urlHost } from './transport-server.js';
import { keepWebSocketAlive } from './websocket-keepalive.js';
import type { TransportServer } from './transport-server.js';
import { DEFAULT_HIGH_WATER_MARK } from './serve-rawsocket.js';

/** Options of {@link serveWebSocket}. */
export interface ServeWebSocketOptions {
  /** The address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** The port; 0 picks a free one (see `urls`). */
  readonly port: number;
  /** The only path upgraded (default: every path is). */
  readonly path?: string;
  /** The subprotocols accepted (default `wamp.2.json`, `wamp.2.msgpack`, `wamp.2.cbor`). */
  readonly subprotocols?: string[];
  /** The largest incoming message; a larger one closes the connection with 1009 (default 16 MiB). */
  readonly maxMessageSize?: number;
  /** Fail a connection with `'slow_peer'` beyond this many queued bytes (default 16 MiB). */
  readonly highWaterMark?: number;
  /** Ping every client every `intervalMs`; drop one whose pong takes longer than `timeoutMs`. */
  readonly keepalive?: KeepaliveOptions;
  /**
   * Answers plain HTTP requests (`/metrics`, `/healthz`, …, see http-routes.ts); returns
   * false for a path it does not serve, which then gets the usual 426 Upgrade Required.
   */
  readonly onRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/** The first subprotocol the client offers (its order of preference) that the server speaks. */
function chooseSubprotocol(header: string | undefined, supported: readonly string[]): string | undefined {
  if (header === undefined) return undefined;
  for (const offered of header.split(',')) {
    const name = offered.trim();
    if (supported.includes(name)) return name;
  }
  return undefined;
}

/** Answers an upgrade request with an HTTP error and drops the socket. */
function refuseUpgrade(socket: Socket, status: number, text: string, reason: string): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
  }
  socket.destroy();
}

function describePeer(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '?';
  return `ws:${urlHost(address)}:${request.socket.remotePort ?? '?'}`;
}

/**
 * A WebSocket router endpoint on `ws`. Resolves once listening. It selects the first
 * subprotocol the client offers that it speaks, refuses (HTTP 400) a client offering none,
 * and emits each open connection on `connections$`.
 */
export async function serveWebSocket(options: ServeWebSocketOptions): Promise<TransportServer> {
  const supported = options.subprotocols ?? [...SUBPROTOCOLS];
  const queue = new ConnectionQueue();
  const clients = new Set<WebSocket>();
  const http = createServer((request, response) => {
    if (options.onRequest?.(request, response) === true) return;
    response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    response.end('this is a WAMP WebSocket endpoint\n');
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageSize ?? 16 * 1024 * 1024,
    handleProtocols: (protocols) => chooseSubprotocol([...protocols].join(','), supported) ?? false,
  });

  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (options.path !== undefined && pathname !== options.path) {
      refuseUpgrade(socket, 404, 'Not Found', `no WAMP endpoint at ${pathname}\n`);
      return;
    }
    if (chooseSubprotocol(request.headers['sec-websocket-protocol'], supported) === undefined) {
      refuseUpgrade(socket, 400, 'Bad Request', `offer one of the WebSocket subprotocols ${supported.join(', ')}\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      if (options.keepalive !== undefined) keepWebSocketAlive(ws, options.keepalive);
      // The messages sent to this client in one turn leave in one write (see coalesce-writes.ts).
      const coalesce = writeCoalescer(socket);
      const send = ws.send.bind(ws);
      ws.send = ((data: string | Uint8Array, ...rest: unknown[]) => {
        coalesce();
        (send as (...a: unknown[]) => void)(data, ...rest);
      }) as typeof ws.send;
      ws.once('close', () => clients.delete(ws));
      queue.push(
        webSocketTransport(ws, {
          peer: describePeer(request),
          highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
          ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
        }),
      );
    });
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  http.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const url = `ws://${urlHost(address.address)}:${address.port}${options.path ?? '/'}`;

  let closing: Promise<void> | undefined;
  return {
    connections$: queue.connections$,
    urls: [url],
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        queue.close();
        // Say goodbye (1001) to every client; drop those that do not answer promptly.
        const goodbyes = [...clients].map(
          (ws) =>
            new Promise<void>((done) => {
              ws.once('close', () => done());
              ws.close(1001, 'server shutting down');
              setTimeout(() => ws.terminate(), 2000).unref();
            }),
        );
        http.close();
        http.closeAllConnections();
        void Promise.all(goodbyes).then(() => wss.close(() => resolve()));
      });
      return closing;
    },
  };
}
