import { Observable } from 'rxjs';
import type { Observer, SchedulerLike, Subscriber } from 'rxjs';
import type { Frame, Transport } from './transport.js';
import { TransportError } from './transport.js';

type Ending = { readonly error?: TransportError };

/** One end of an in-memory connection. */
class LoopbackEnd implements Transport {
  readonly protocol: string;
  readonly peer: string;
  readonly maxOutgoingMessageSize = Infinity;
  readonly bufferedAmount = 0;
  other!: LoopbackEnd;
  readonly #scheduler: SchedulerLike | undefined;
  /** Frames that arrived before incoming$ was subscribed. */
  #held: Frame[] = [];
  #subscriber: Subscriber<Frame> | undefined;
  #ending: Ending | undefined;
  #ended = false;

  constructor(protocol: string, name: string, scheduler: SchedulerLike | undefined) {
    this.protocol = protocol;
    this.peer = name;
    this.#scheduler = scheduler;
  }

  readonly incoming$ = new Observable<Frame>((subscriber) => {
    if (this.#subscriber !== undefined) {
      subscriber.error(new TransportError('busy', 'incoming$ of a transport has one consumer at a time'));
      return;
    }
    this.#subscriber = subscriber;
    const held = this.#held;
    this.#held = [];
    for (const frame of held) subscriber.next(frame);
    if (this.#ending !== undefined) this.#finish();
    return () => {
      this.#subscriber = undefined;
      // Unsubscribing from what arrives closes the connection, as with a socket.
      if (this.#ending === undefined) this.outgoing.complete();
    };
  });

  readonly outgoing: Observer<Frame> = {
    next: (frame) => {
      if (this.#ending !== undefined) return;
      this.#deliver(() => this.other.receive(frame));
    },
    complete: () => this.#close({}, {}),
    error: (err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      this.#close({}, { error: new TransportError('closed', `peer closed the connection: ${reason}`, { cause: err }) });
    },
  };

  receive(frame: Frame): void {
    if (this.#ending !== undefined) return;
    if (this.#subscriber !== undefined) this.#subscriber.next(frame);
    else this.#held.push(frame);
  }

  end(ending: Ending): void {
    if (this.#ending !== undefined) return;
    this.#ending = ending;
    if (this.#subscriber !== undefined) this.#finish();
  }

  #close(mine: Ending, theirs: Ending): void {
    if (this.#ending !== undefined) return;
    this.end(mine);
    this.#deliver(() => this.other.end(theirs));
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    const subscriber = this.#subscriber!;
    const { error } = this.#ending!;
    if (error !== undefined) subscriber.error(error);
    else subscriber.complete();
  }

  #deliver(work: () => void): void {
    if (this.#scheduler === undefined) work();
    else this.#scheduler.schedule(work);
  }
}

/**
 * Two connected in-memory transports, for tests and in-process peers. What one end
 * sends, the other receives, in order. Delivery is synchronous by default (so marble
 * tests see it at once); pass a scheduler (e.g. `asapScheduler`) to deliver later.
 */
export function loopbackPair(protocol = 'wamp.2.json', options: { scheduler?: SchedulerLike } = {}): [Transport, Transport] {
  const a = new LoopbackEnd(protocol, 'loopback:a', options.scheduler);
  const b = new LoopbackEnd(protocol, 'loopback:b', options.scheduler);
  a.other = b;
  b.other = a;
  return [a, b];
}
