import { Observable } from 'rxjs';
import type { TlsChannel } from '../tls-channel.js';
import type { Transport } from '../transport.js';
import { TransportError } from '../transport.js';
import { coalescingWebSocket } from './coalesce-sends.js';
import { webSocketTransport } from './transport.js';
import type { WebSocketConstructorLike, WebSocketEventLike, WebSocketLike } from './websocket-like.js';

/** Options of {@link connectWebSocket}. */
export interface ConnectWebSocketOptions {
  /** The subprotocols to offer, in order of preference (`wamp.2.json`, …). */
  readonly protocols: string[];
  /** The WebSocket implementation; default the global one, else the `ws` package. */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Fail the connection on an incoming message over this many bytes. */
  readonly maxMessageSize?: number;
  /** The TLS channel under an open socket, where the platform can see it (rxwamp/node does). */
  readonly channelOf?: (socket: WebSocketLike) => TlsChannel | undefined;
}

/**
 * Imports a module whose name is a parameter: neither bundlers nor minifiers (which fold
 * a local constant into a literal specifier) can see which module it is.
 */
const importByName = (name: string): Promise<unknown> => import(name);

/** The global WebSocket, else `ws` loaded with a specifier bundlers leave alone. */
async function resolveWebSocket(): Promise<WebSocketConstructorLike> {
  const global = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (global !== undefined) return global;
  const module = (await importByName('ws')) as { WebSocket?: WebSocketConstructorLike; default?: WebSocketConstructorLike };
  const constructor = module.WebSocket ?? module.default;
  if (constructor === undefined) throw new Error('the ws package exports no WebSocket');
  return coalescingWebSocket(constructor);
}

/**
 * A WebSocket connection. Cold: on subscribe it opens the socket, emits the Transport
 * once open (its protocol the negotiated subprotocol), then completes. Errors with a
 * TransportError when it cannot connect or the server picked none of `protocols`;
 * unsubscribing before the socket opens aborts it.
 */
export function connectWebSocket(url: string, options: ConnectWebSocketOptions): Observable<Transport> {
  return new Observable<Transport>((subscriber) => {
    let socket: WebSocketLike | undefined;
    let settled = false;
    const listeners: Array<['open' | 'close' | 'error', (event: WebSocketEventLike) => void]> = [];
    const detach = (): void => {
      for (const [type, listener] of listeners) socket?.removeEventListener(type, listener);
    };
    const fail = (code: string, message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      detach();
      subscriber.error(new TransportError(code, message, cause === undefined ? undefined : { cause }));
    };

    const open = (WebSocket: WebSocketConstructorLike): void => {
      if (settled) return;
      try {
        socket = new WebSocket(url, options.protocols);
      } catch (err) {
        fail('connect', `cannot connect to ${url}: ${err instanceof Error ? err.message : String(err)}`, err);
        return;
      }
      const ws = socket;
      ws.binaryType = 'arraybuffer';
      // Keep one listener for good: `ws` throws on an 'error' nobody listens to (e.g. after an abort).
      ws.addEventListener('error', () => undefined);
      let lastError: string | undefined;
      const on = (type: 'open' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void => {
        listeners.push([type, listener]);
        ws.addEventListener(type, listener);
      };
      on('error', (event) => {
        lastError = event.message ?? (event.error instanceof Error ? event.error.message : undefined);
      });
      on('close', (event) => {
        fail('connect', `cannot connect to ${url}: ${lastError ?? `closed with code ${event.code ?? 1006}`}`);
      });
      on('open', () => {
        if (settled) return;
        const offered = options.protocols;
        if (ws.protocol === '' || !offered.includes(ws.protocol)) {
          fail('handshake', `${url} selected ${ws.protocol === '' ? 'no subprotocol' : `subprotocol '${ws.protocol}'`}; offered ${offered.join(', ')}`);
          ws.close(1000);
          return;
        }
        settled = true;
        detach();
        subscriber.next(
          webSocketTransport(ws, { peer: url, tls: options.channelOf?.(ws), ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }) }),
        );
        subscriber.complete();
      });
    };

    if (options.WebSocket !== undefined) open(options.WebSocket);
    else {
      resolveWebSocket().then(open, (err: unknown) =>
        fail('connect', `no WebSocket implementation available (install 'ws' on Node 20): ${err instanceof Error ? err.message : String(err)}`, err),
      );
    }

    return () => {
      if (settled) return;
      settled = true;
      detach();
      if (socket !== undefined) {
        if (socket.terminate !== undefined) socket.terminate();
        else socket.close();
      }
    };
  });
}
