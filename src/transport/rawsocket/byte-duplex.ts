import type { Observable } from 'rxjs';
import type { TlsChannel } from '../tls-channel.js';

/**
 * A reliable, ordered byte stream in both directions (a TCP or Unix socket, injected by
 * src/node/ or by a test). The RawSocket code never touches a socket directly.
 */
export interface ByteDuplex {
  /**
   * Bytes from the peer, in chunks of any size. Completes when the peer ends the stream,
   * errors when the connection fails. Subscribed by one consumer at a time; no bytes are
   * lost between one consumer unsubscribing and the next subscribing in the same tick.
   */
  readonly data$: Observable<Uint8Array>;
  /** Queues bytes for the peer; the duplex must not keep a reference it then mutates. */
  write(bytes: Uint8Array): void;
  /** Bytes queued by `write` but not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Closes cleanly once everything queued is written. */
  end(): void;
  /** Closes at once, dropping anything queued. */
  destroy(): void;
  /** A human-readable description of the peer, for logs. */
  readonly peer: string;
  /** The TLS channel, when the stream runs over TLS. */
  readonly tls?: TlsChannel | undefined;
}
