import type { Observable, Observer } from 'rxjs';
import type { TlsChannel } from './tls-channel.js';

/** One WAMP message as it travels: text for JSON over WebSocket, bytes for everything else. */
export type Frame = string | Uint8Array;

/**
 * A connected duplex stream of frames.
 *
 * - `incoming$` emits every frame the peer sends. It is single-consumer: frames that
 *   arrive before it is subscribed are held until it is; unsubscribing from it closes
 *   the connection. It completes when the connection closes cleanly and errors with a
 *   {@link TransportError} when it fails.
 * - `outgoing.next(frame)` sends, `outgoing.complete()` closes cleanly,
 *   `outgoing.error(err)` closes with a failure reason. Sending after close is a no-op.
 */
export interface Transport {
  /** Frames from the peer. */
  readonly incoming$: Observable<Frame>;
  /** Frames to the peer. */
  readonly outgoing: Observer<Frame>;
  /** The WAMP serialization both sides agreed on, as a WebSocket subprotocol name (`wamp.2.json`, …). */
  readonly protocol: string;
  /** Bytes accepted by `outgoing` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** The largest message the peer accepts (RawSocket negotiates it); `Infinity` when unbounded. */
  readonly maxOutgoingMessageSize: number;
  /** A human-readable description of the peer (address, path), for logs. */
  readonly peer: string;
  /** The TLS channel under this transport, when Node can see one (channel binding, peer certificate). */
  readonly tls?: TlsChannel | undefined;
}

/** Why a transport failed: a reason a human can read, plus an optional machine code. */
export class TransportError extends Error {
  /** A short machine-readable code such as `'slow_peer'`, `'too_large'`, `'closed'`, `'handshake'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}
