import type { WebSocketConstructorLike, WebSocketLike } from './websocket-like.js';

/** The parts of a `ws` client and its TCP socket that coalescing needs (duck-typed: no Node import here). */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
}
interface UpgradingWebSocket {
  once(event: 'upgrade', listener: (response: { socket?: unknown }) => void): unknown;
}

const isCorkable = (socket: unknown): socket is CorkableSocket =>
  typeof (socket as Partial<CorkableSocket> | undefined)?.cork === 'function' && typeof (socket as Partial<CorkableSocket>).uncork === 'function';

/** process.nextTick where there is one (Node), else a microtask. */
const afterThisTurn: (callback: () => void) => void =
  (globalThis as { process?: { nextTick?: (callback: () => void) => void } }).process?.nextTick ?? ((callback) => queueMicrotask(callback));

/**
 * The `ws` package's WebSocket, with the messages a client sends in one turn of the event
 * loop leaving in one write, as the router's connections do (src/node/coalesce-writes.ts):
 * 64 calls in flight answered by one TCP read are re-sent by one `writev`, not 64 (the
 * client's profile had a fifth of its time in `writev`). The browser's WebSocket has no
 * socket to cork and is left as it is.
 */
export function coalescingWebSocket(WebSocket: WebSocketConstructorLike): WebSocketConstructorLike {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const upgrading = this as unknown as Partial<UpgradingWebSocket>;
      if (typeof upgrading.once !== 'function') return;
      upgrading.once('upgrade', (response) => {
        const socket = response.socket;
        if (!isCorkable(socket)) return;
        const send = this.send;
        let corked = false;
        const uncork = (): void => {
          corked = false;
          socket.uncork();
        };
        // ws's send also takes options and a callback: pass whatever it was given.
        this.send = function (this: WebSocketLike, ...args: Parameters<WebSocketLike['send']>): void {
          if (!corked) {
            corked = true;
            socket.cork();
            afterThisTurn(uncork);
          }
          send.apply(this, args);
        };
      });
    }
  };
}
