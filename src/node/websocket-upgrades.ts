import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { SUBPROTOCOLS } from '../serialization/registry.js';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';
import { webSocketTransport } from '../transport/websocket/transport.js';
import { writeCoalescer } from './coalesce-writes.js';
import { DEFAULT_HIGH_WATER_MARK } from './serve-rawsocket.js';
import type { ConnectionQueue } from './transport-server.js';
import { urlHost } from './transport-server.js';
import { tlsChannelOf } from './tls-channel.js';
import { webSocketKeepalive } from './websocket-keepalive.js';
import { textFrameBytes } from './text-frame-bytes.js';

/** `ws.send` options for a text frame given as bytes. */
const TEXT_FRAME = { binary: false } as const;

/** How WebSocket upgrades become WAMP transports (shared by serveWebSocket and attach). */
export interface WebSocketUpgradeOptions {
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
}

/** The WAMP side of an HTTP server's `upgrade` event. */
export interface WebSocketUpgrades {
  /** True when the request is for `path` (and so this endpoint answers it). */
  wants(request: IncomingMessage): boolean;
  /** Answers an upgrade request for `path`: a WAMP connection, or an HTTP error. */
  handle(request: IncomingMessage, socket: Socket, head: Buffer): void;
  /** Says goodbye (1001) to every client, dropping those that do not answer promptly. */
  close(): Promise<void>;
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
export function refuseUpgrade(socket: Socket, status: number, text: string, reason: string): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
  }
  socket.destroy();
}

function describePeer(request: IncomingMessage, secure: boolean): string {
  const address = request.socket.remoteAddress ?? '?';
  return `${secure ? 'wss' : 'ws'}:${urlHost(address)}:${request.socket.remotePort ?? '?'}`;
}

/**
 * Turns upgrade requests into WAMP transports on `queue`: selects the first subprotocol
 * the client offers that it speaks, refuses (HTTP 400) a client offering none. On TLS
 * sockets the transport carries the TLS channel (for channel binding and client certificates).
 */
export function webSocketUpgrades(queue: ConnectionQueue, options: WebSocketUpgradeOptions): WebSocketUpgrades {
  const supported = options.subprotocols ?? [...SUBPROTOCOLS];
  const clients = new Set<WebSocket>();
  const keepalive = options.keepalive === undefined ? undefined : webSocketKeepalive(clients, options.keepalive);
  // Called with `this` as the socket: one listener function for all connections.
  function forget(this: WebSocket): void {
    clients.delete(this);
  }
  const wss = new WebSocketServer({
    noServer: true,
    // `clients` tracks them (one Set, one 'close' listener per connection, not two).
    clientTracking: false,
    maxPayload: options.maxMessageSize ?? 16 * 1024 * 1024,
    handleProtocols: (protocols) => chooseSubprotocol([...protocols].join(','), supported) ?? false,
  });
  const wants = (request: IncomingMessage): boolean =>
    options.path === undefined || new URL(request.url ?? '/', 'http://localhost').pathname === options.path;
  return {
    wants,
    handle(request, socket, head) {
      socket.on('error', () => undefined);
      if (!wants(request)) {
        const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
        refuseUpgrade(socket, 404, 'Not Found', `no WAMP endpoint at ${pathname}\n`);
        return;
      }
      if (chooseSubprotocol(request.headers['sec-websocket-protocol'], supported) === undefined) {
        refuseUpgrade(socket, 400, 'Bad Request', `offer one of the WebSocket subprotocols ${supported.join(', ')}\n`);
        return;
      }
      const tls = socket instanceof TLSSocket ? tlsChannelOf(socket, true) : undefined;
      wss.handleUpgrade(request, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', forget);
        keepalive?.watch(ws);
        // The messages sent to this client in one turn leave in one write (see coalesce-writes.ts),
        // and a text frame goes out as bytes encoded once for all its receivers (text-frame-bytes.ts).
        const coalesce = writeCoalescer(socket);
        const send = ws.send.bind(ws) as (data: string | Uint8Array, options?: unknown, callback?: unknown) => void;
        ws.send = ((data: string | Uint8Array, ...rest: unknown[]) => {
          coalesce();
          if (typeof data === 'string' && rest.length === 0) send(textFrameBytes(data), TEXT_FRAME);
          else send(data, ...rest);
        }) as typeof ws.send;
        queue.push(
          webSocketTransport(ws, {
            peer: describePeer(request, tls !== undefined),
            tls,
            highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
            ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
          }),
        );
      });
    },
    close() {
      keepalive?.stop();
      const goodbyes = [...clients].map(
        (ws) =>
          new Promise<void>((done) => {
            ws.once('close', () => done());
            ws.close(1001, 'server shutting down');
            setTimeout(() => ws.terminate(), 2000).unref();
          }),
      );
      return Promise.all(goodbyes).then(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    },
  };
}
