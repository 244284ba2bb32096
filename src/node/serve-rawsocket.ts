import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Subscription } from 'rxjs';
import { RawSocketHandshakeErrorCode } from '../transport/rawsocket/handshake.js';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';
import { rawSocketServerHandshake } from '../transport/rawsocket/negotiate.js';
import { ConnectionQueue, urlHost } from './transport-server.js';
import type { TransportServer } from './transport-server.js';
import { describeSocketPeer, socketDuplex } from './socket-duplex.js';
import { tlsChannelOf } from './tls-channel.js';
import { readTlsContext, reloadTlsContext, tlsServerOptions } from './tls-listener.js';
import type { TlsListenerConfig } from './tls-listener.js';

/** Options of {@link serveRawSocket}: a TCP host and port (port 0 lets the OS pick a free one) or a Unix socket path. */
export type ServeRawSocketOptions = ({ readonly host?: string; readonly port: number; readonly tls?: TlsListenerConfig } | { readonly path: string }) & {
  /** The serializer ids accepted (default 1 JSON, 2 MessagePack, 3 CBOR); others get error 1. */
  readonly serializerIds?: number[];
  /** The largest message a client may send (announced rounded down to 2^(9+L); default 16 MiB). */
  readonly maxMessageSize?: number;
  /** Fail a connection with `'slow_peer'` beyond this many queued bytes (default 16 MiB). */
  readonly highWaterMark?: number;
  /** Refuse further clients with error 4 once this many are connected. */
  readonly maxConnections?: number;
  /** PING every client every `intervalMs`; fail one whose PONG takes longer than `timeoutMs`. */
  readonly keepalive?: KeepaliveOptions;
  /** Fail a client that has not completed the handshake in this time (default 10 s). */
  readonly handshakeTimeoutMs?: number;
};

/** Default outbound limit per connection before it is failed as a slow peer. */
export const DEFAULT_HIGH_WATER_MARK = 16 * 1024 * 1024;

/**
 * A RawSocket router endpoint over TCP (host defaults to 127.0.0.1), TCP with TLS
 * (`tls`: served as `rss://`) or a Unix socket. Resolves once listening; each client
 * that completes the handshake arrives on `connections$`. Refused handshakes get their
 * error reply and never appear there.
 */
export async function serveRawSocket(options: ServeRawSocketOptions): Promise<TransportServer> {
  const queue = new ConnectionQueue();
  const sockets = new Set<Socket>();
  const handshakes = new Set<Subscription>();
  const path = 'path' in options ? options.path : undefined;
  const tlsConfig = 'tls' in options ? options.tls : undefined;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  let open = 0;

  const accept = (socket: Socket): void => {
    const full = options.maxConnections !== undefined && open >= options.maxConnections;
    const peer = path === undefined ? describeSocketPeer(socket) : `unix:${path}`;
    const duplex = tlsConfig === undefined ? socketDuplex(socket, peer) : socketDuplex(socket, peer.replace(/^tcp:/, 'tls:'), tlsChannelOf(socket as TLSSocket, true));
    const timer = setTimeout(() => duplex.destroy(), handshakeTimeoutMs);
    const handshake = rawSocketServerHandshake(duplex, {
      ...(options.serializerIds === undefined ? {} : { serializerIds: options.serializerIds }),
      ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
      ...(options.keepalive === undefined ? {} : { keepalive: options.keepalive }),
      highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      ...(full ? { refuseWith: RawSocketHandshakeErrorCode.maxConnectionCountReached } : {}),
    }).subscribe({
      next: (transport) => {
        open++;
        socket.once('close', () => open--);
        queue.push(transport);
      },
      // A refused or broken handshake concerns that client only.
      error: () => undefined,
    });
    handshakes.add(handshake);
    const settled = (): void => {
      clearTimeout(timer);
      handshakes.delete(handshake);
    };
    handshake.add(settled);
  };
  let server: Server | TlsServer;
  if (tlsConfig === undefined) server = createServer(accept);
  else {
    server = createTlsServer(tlsServerOptions(tlsConfig, await readTlsContext(tlsConfig), handshakeTimeoutMs), accept);
    // A client that does not speak TLS (or distrusts us) fails its handshake; that concerns it alone.
    server.on('tlsClientError', (_error, socket) => socket.destroy());
  }
  // Every TCP connection, also those still in their TLS handshake, so close() can drop it.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (path !== undefined) server.listen(path, listening);
    else server.listen((options as { port: number }).port, (options as { host?: string }).host ?? '127.0.0.1', listening);
  });

  const address = server.address();
  const scheme = tlsConfig === undefined ? 'rs' : 'rss';
  const urls = path !== undefined ? [`unix:${path}`] : [`${scheme}://${urlHost((address as AddressInfo).address)}:${(address as AddressInfo).port}`];

  let closing: Promise<void> | undefined;
  return {
    connections$: queue.connections$,
    urls,
    ...(tlsConfig === undefined ? {} : { reloadTls: () => reloadTlsContext(server as TlsServer, tlsConfig) }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const handshake of [...handshakes]) handshake.unsubscribe();
        for (const socket of sockets) socket.destroy();
        queue.close();
      });
      return closing;
    },
  };
}
