/** The parts of a WebSocket event rxwamp reads (message data, close code and reason, error message). */
export interface WebSocketEventLike {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly error?: unknown;
}

/**
 * The subset of the W3C WebSocket API rxwamp uses. The browser's and Node's global
 * WebSocket and the `ws` package's WebSocket all fit it.
 */
export interface WebSocketLike {
  /** The subprotocol the server selected; '' when none. */
  readonly protocol: string;
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  /** Bytes queued by send() but not yet transmitted. */
  readonly bufferedAmount: number;
  /** Set to 'arraybuffer' so binary messages arrive as ArrayBuffer. */
  binaryType: string;
  send(data: string | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** Only `ws`: drop the connection at once. */
  terminate?(): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void;
}

/** A WebSocket constructor such as `globalThis.WebSocket` or the `ws` package's. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** readyState of an open WebSocket. */
export const WEBSOCKET_OPEN = 1;
