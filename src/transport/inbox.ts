import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import type { Frame } from './transport.js';
import { TransportError } from './transport.js';

/**
 * The receiving half of a socket-backed transport: a single-consumer `incoming$` that
 * holds frames (and the ending) until it is subscribed, as the Transport contract asks.
 */
export class Inbox {
  #held: Frame[] = [];
  #subscriber: Subscriber<Frame> | undefined;
  #ending: { error: TransportError | undefined } | undefined;
  #delivered = false;
  readonly #onAbandon: () => void;

  /** `onAbandon` runs when the consumer unsubscribes while the connection is still open. */
  constructor(onAbandon: () => void) {
    this.#onAbandon = onAbandon;
  }

  /** True once the connection has ended (cleanly or not), whether or not that was delivered. */
  get ended(): boolean {
    return this.#ending !== undefined;
  }

  /** Frames from the peer: one consumer at a time; unsubscribing abandons the connection. */
  readonly incoming$ = new Observable<Frame>((subscriber) => {
    if (this.#subscriber !== undefined || this.#delivered) {
      subscriber.error(new TransportError('busy', 'incoming$ of a transport has one consumer, once'));
      return;
    }
    this.#subscriber = subscriber;
    const held = this.#held;
    this.#held = [];
    for (const frame of held) subscriber.next(frame);
    if (this.#ending !== undefined) this.#deliverEnding();
    return () => {
      this.#subscriber = undefined;
      if (this.#ending === undefined) {
        this.#delivered = true;
        this.end(undefined);
        this.#onAbandon();
      }
    };
  });

  /** Hands one frame to the consumer, or holds it. Ignored after the end. */
  push(frame: Frame): void {
    if (this.#ending !== undefined) return;
    if (this.#subscriber !== undefined) this.#subscriber.next(frame);
    else this.#held.push(frame);
  }

  /** Ends the stream: completes it, or errors it with `error`. Only the first call counts. */
  end(error: TransportError | undefined): void {
    if (this.#ending !== undefined) return;
    this.#ending = { error };
    if (this.#subscriber !== undefined) this.#deliverEnding();
  }

  #deliverEnding(): void {
    if (this.#delivered) return;
    this.#delivered = true;
    const subscriber = this.#subscriber!;
    const { error } = this.#ending!;
    if (error !== undefined) subscriber.error(error);
    else subscriber.complete();
  }
}
