import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import type { Transport } from '../transport/transport.js';

/** A listening server: every accepted, negotiated connection arrives as a Transport. */
export interface TransportServer {
  /** Each accepted connection, exactly once; completes when the server closes. One subscriber. */
  readonly connections$: Observable<Transport>;
  /** Where it listens, with the real bound port: `ws://127.0.0.1:34567/ws`, `rs://127.0.0.1:4567`, `unix:/tmp/x.sock`. */
  readonly urls: string[];
  /** Stops listening, closes every open connection, and resolves once the listener is closed. */
  close(): Promise<void>;
  /** A TLS listener only: reads its certificate files again; open connections are left alone. */
  readonly reloadTls?: () => Promise<void>;
}

/**
 * The connections$ stream of a server: single-subscriber, holding connections accepted
 * before it is subscribed, completing on close.
 */
export class ConnectionQueue {
  #held: Transport[] = [];
  #subscriber: Subscriber<Transport> | undefined;
  #closed = false;

  /** Accepted connections, each emitted once. */
  readonly connections$ = new Observable<Transport>((subscriber) => {
    if (this.#subscriber !== undefined) {
      subscriber.error(new Error('connections$ of a server has one subscriber at a time'));
      return;
    }
    this.#subscriber = subscriber;
    const held = this.#held;
    this.#held = [];
    for (const transport of held) subscriber.next(transport);
    if (this.#closed) subscriber.complete();
    return () => {
      this.#subscriber = undefined;
    };
  });

  /** Hands an accepted connection to the subscriber, or holds it. */
  push(transport: Transport): void {
    if (this.#closed) {
      transport.outgoing.complete();
      return;
    }
    if (this.#subscriber !== undefined) this.#subscriber.next(transport);
    else this.#held.push(transport);
  }

  /** Completes the stream; held connections that nobody took are closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#held) transport.outgoing.complete();
    this.#held = [];
    this.#subscriber?.complete();
  }
}

/** `host` as it goes into a URL: IPv6 addresses in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
