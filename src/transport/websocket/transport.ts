import type { Observer } from 'rxjs';
import { Inbox } from '../inbox.js';
import type { TlsChannel } from '../tls-channel.js';
import type { Frame, Transport } from '../transport.js';
import { TransportError } from '../transport.js';
import type { WebSocketEventLike, WebSocketLike } from './websocket-like.js';
import { WEBSOCKET_OPEN } from './websocket-like.js';

/** Options of {@link webSocketTransport}. */
export interface WebSocketTransportOptions {
  /** Fail the connection (close code 1009) on an incoming message over this many bytes. */
  readonly maxMessageSize?: number;
  /** Fail with `'slow_peer'` (dropping the connection) beyond this many queued bytes. */
  readonly highWaterMark?: number;
  /** A description of the peer for logs (default: 'websocket'). */
  readonly peer?: string;
  /** The TLS channel under the socket, when the caller can see it (Node). */
  readonly tls?: TlsChannel | undefined;
}

/** Close codes that mean the connection ended normally. */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 1005]);

/** Closes with a code, falling back to a plain close where (in browsers) only 1000 and 3000+ are allowed. */
function closeSocket(socket: WebSocketLike, code: number, reason: string): void {
  try {
    socket.close(code, reason.slice(0, 120));
  } catch {
    socket.close();
  }
}

/** The bytes of a binary message, whatever shape the WebSocket delivered it in. */
function binaryFrame(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

class WebSocketTransport implements Transport, Observer<Frame> {
  readonly protocol: string;
  readonly peer: string;
  readonly tls: TlsChannel | undefined;
  readonly maxOutgoingMessageSize = Infinity;
  readonly #socket: WebSocketLike;
  readonly #inbox: Inbox;
  readonly #maxMessageSize: number;
  readonly #highWaterMark: number;
  #closed = false;
  #lastError: string | undefined;
  #tooLarge = false;

  constructor(socket: WebSocketLike, options: WebSocketTransportOptions) {
    this.#socket = socket;
    this.protocol = socket.protocol;
    this.peer = options.peer ?? 'websocket';
    this.tls = options.tls;
    this.#maxMessageSize = options.maxMessageSize ?? Infinity;
    this.#highWaterMark = options.highWaterMark ?? Infinity;
    this.#inbox = new Inbox(() => this.#close(1000, 'closed'));
    socket.binaryType = 'arraybuffer';
    // The listeners stay for the socket's life: `ws` throws on an 'error' nobody listens to.
    socket.addEventListener('message', (event) => this.#onMessage(event));
    socket.addEventListener('error', (event) => {
      this.#lastError = event.message ?? (event.error instanceof Error ? event.error.message : undefined) ?? 'WebSocket error';
      // `ws` enforces its maxPayload itself: it reports an error, sends 1009 and drops the socket.
      const code = (event.error as { code?: unknown } | undefined)?.code ?? (event as { code?: unknown }).code;
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#tooLarge = true;
    });
    socket.addEventListener('close', (event) => this.#onClose(event));
    if (socket.readyState !== WEBSOCKET_OPEN) this.#fail('closed', `WebSocket to ${this.peer} is not open`);
  }

  get bufferedAmount(): number {
    return this.#closed ? 0 : this.#socket.bufferedAmount;
  }

  get incoming$() {
    return this.#inbox.incoming$;
  }

  /**
   * The transport is its own outgoing observer (`next`, `complete`, `error` below): no
   * closures per connection, which a router holds for every idle session (BENCHMARKS.md).
   */
  get outgoing(): Observer<Frame> {
    return this;
  }

  next(frame: Frame): void {
    if (this.#closed) return;
    this.#socket.send(frame);
    if (this.#socket.bufferedAmount > this.#highWaterMark) {
      this.#fail('slow_peer', `${this.peer} is not reading: ${this.#socket.bufferedAmount} bytes queued, over the high-water mark of ${this.#highWaterMark}`);
    }
  }

  complete(): void {
    this.#close(1000, 'closed');
  }

  error(err: unknown): void {
    // A peer that is not reading will not read a close frame either: drop it at once.
    if (err instanceof TransportError && err.code === 'slow_peer') this.#fail('slow_peer', err.message);
    else this.#close(1011, err instanceof Error ? err.message : String(err));
  }

  #onMessage(event: WebSocketEventLike): void {
    if (this.#closed) return;
    const data = event.data;
    let frame: Frame | undefined;
    let size: number;
    if (typeof data === 'string') {
      frame = data;
      // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: measure only when it matters.
      size = data.length * 3 <= this.#maxMessageSize ? 0 : new TextEncoder().encode(data).length;
    } else {
      frame = binaryFrame(data);
      size = frame?.length ?? 0;
    }
    if (frame === undefined) {
      this.#fail('protocol', `${this.peer} sent a message rxwamp cannot read (set binaryType to 'arraybuffer')`);
      return;
    }
    if (size > this.#maxMessageSize) {
      this.#fail('too_large', `message of ${size} octets from ${this.peer} exceeds the maximum of ${this.#maxMessageSize}`, 1009);
      return;
    }
    this.#inbox.push(frame);
  }

  #onClose(event: WebSocketEventLike): void {
    if (this.#closed) return;
    this.#closed = true;
    const code = event.code ?? 1005;
    if (CLEAN_CLOSE_CODES.has(code)) {
      this.#inbox.end(undefined);
      return;
    }
    const reason = event.reason || this.#lastError || 'no reason given';
    if (this.#tooLarge || code === 1009) {
      const limit = this.#tooLarge ? `a message from ${this.peer} exceeds the maximum of ${this.#maxMessageSize} octets` : `${this.peer} refused a message as too large`;
      this.#inbox.end(new TransportError('too_large', `${limit} (WebSocket closed with code ${code}: ${reason})`));
      return;
    }
    this.#inbox.end(new TransportError('closed', `WebSocket to ${this.peer} closed with code ${code}: ${reason}`));
  }

  #close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.end(undefined);
    closeSocket(this.#socket, code, reason);
  }

  #fail(code: string, message: string, closeCode = 1011): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.end(new TransportError(code, message));
    if (code === 'slow_peer' && this.#socket.terminate !== undefined) this.#socket.terminate();
    else closeSocket(this.#socket, closeCode, message);
  }
}

/**
 * A Transport over an open WebSocket (browser, Node global, or `ws`): text frames for
 * strings, binary frames for bytes. `protocol` is the negotiated subprotocol.
 */
export function webSocketTransport(socket: WebSocketLike, options: WebSocketTransportOptions = {}): Transport {
  return new WebSocketTransport(socket, options);
}
