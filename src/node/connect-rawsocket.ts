import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { Observable } from 'rxjs';
import { serializerFor } from '../serialization/registry.js';
import type { SerializerName } from '../serialization/serializer.js';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';
import type { TlsConnectOptions } from '../transport/tls-channel.js';
import { rawSocketClientHandshake } from '../transport/rawsocket/negotiate.js';
import type { Transport } from '../transport/transport.js';
import { TransportError } from '../transport/transport.js';
import { socketDuplex } from './socket-duplex.js';
import { tlsChannelOf } from './tls-channel.js';
import { nodeTlsOptions } from './tls-connect-options.js';

/** Where a RawSocket router listens: TCP host and port (with `tls`: RawSocket over TLS, `rss://`), or a Unix socket path. */
export type RawSocketTarget = { readonly host: string; readonly port: number; readonly tls?: TlsConnectOptions } | { readonly path: string };

/** Options of {@link connectRawSocket}. */
export interface ConnectRawSocketOptions {
  /** The serializer to ask for: 1/'json', 2/'msgpack', 3/'cbor'. */
  readonly serializerId: 1 | 2 | 3 | SerializerName;
  /** The largest message this client accepts (announced rounded down to 2^(9+L); default 16 MiB). */
  readonly maxMessageSize?: number;
  /** PING the router every `intervalMs`; fail when a PONG takes longer than `timeoutMs`. */
  readonly keepalive?: KeepaliveOptions;
  /** Fail with `'slow_peer'` beyond this many queued bytes. */
  readonly highWaterMark?: number;
}

/**
 * A RawSocket connection to a router over TCP, TLS or a Unix socket. Cold: on subscribe it
 * connects and performs the handshake, emits the Transport once, then completes. Errors
 * with a TransportError when it cannot connect or the router refuses; unsubscribing
 * before that aborts the connection.
 */
export function connectRawSocket(target: RawSocketTarget, options: ConnectRawSocketOptions): Observable<Transport> {
  return new Observable<Transport>((subscriber) => {
    const serializerId = typeof options.serializerId === 'number' ? options.serializerId : serializerFor(options.serializerId)?.rawSocketId;
    if (serializerId === undefined) {
      subscriber.error(new TransportError('handshake', `unknown serializer ${String(options.serializerId)}`));
      return;
    }
    const tls = 'path' in target ? undefined : target.tls;
    const where = 'path' in target ? `unix:${target.path}` : `${tls === undefined ? 'rs' : 'rss'}://${target.host}:${target.port}`;
    let socket: Socket;
    if ('path' in target) socket = connect({ path: target.path });
    else if (tls === undefined) socket = connect({ host: target.host, port: target.port });
    else socket = connectTls({ host: target.host, port: target.port, ...nodeTlsOptions(tls, target.host) });
    let handshake: { unsubscribe(): void } | undefined;
    const onError = (err: Error): void => {
      subscriber.error(new TransportError('connect', `cannot connect to ${where}: ${err.message}`, { cause: err }));
    };
    socket.once('error', onError);
    // Over TLS the RawSocket handshake starts once the server's certificate checked out.
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      socket.off('error', onError);
      const channel = tls === undefined ? undefined : tlsChannelOf(socket as TLSSocket, false);
      handshake = rawSocketClientHandshake(socketDuplex(socket, where, channel), {
        serializerId,
        ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
        ...(options.keepalive === undefined ? {} : { keepalive: options.keepalive }),
        ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
      }).subscribe(subscriber);
    });
    return () => {
      socket.off('error', onError);
      if (handshake !== undefined) handshake.unsubscribe();
      else socket.destroy();
    };
  });
}
