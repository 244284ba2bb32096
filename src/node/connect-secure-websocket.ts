import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { Observable } from 'rxjs';
import { WebSocket } from 'ws';
import type { TlsChannel, TlsConnectOptions } from '../transport/tls-channel.js';
import type { Transport } from '../transport/transport.js';
import { connectWebSocket } from '../transport/websocket/connect.js';
import type { WebSocketConstructorLike, WebSocketLike } from '../transport/websocket/websocket-like.js';
import { tlsChannelOf } from './tls-channel.js';
import { nodeTlsOptions } from './tls-connect-options.js';

/** Options of {@link connectSecureWebSocket}. */
export interface ConnectSecureWebSocketOptions {
  /** The subprotocols to offer, in order of preference. */
  readonly protocols: string[];
  /** Trust, client certificate, SNI. */
  readonly tls?: TlsConnectOptions;
  /** Fail the connection on an incoming message over this many bytes. */
  readonly maxMessageSize?: number;
}

/**
 * A `wss://` connection through the `ws` package with Node TLS options; the Transport
 * carries the TLS channel (for cryptosign channel binding). Cold, like connectWebSocket.
 */
export function connectSecureWebSocket(url: string, options: ConnectSecureWebSocketOptions): Observable<Transport> {
  return new Observable<Transport>((subscriber) => {
    const channels = new WeakMap<WebSocketLike, TlsChannel>();
    const tlsOptions = nodeTlsOptions(options.tls ?? {}, new URL(url).hostname.replace(/^\[|\]$/g, ''));
    // ws takes TLS options as its third argument; the TLS socket is known once it upgrades.
    const Secure = class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, tlsOptions);
        this.once('upgrade', (response: IncomingMessage) => {
          if (response.socket instanceof TLSSocket) channels.set(this as unknown as WebSocketLike, tlsChannelOf(response.socket, false));
        });
      }
    };
    return connectWebSocket(url, {
      protocols: options.protocols,
      WebSocket: Secure as unknown as WebSocketConstructorLike,
      channelOf: (socket) => channels.get(socket),
      ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
    }).subscribe(subscriber);
  });
}
