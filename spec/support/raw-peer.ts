import type { Subscription } from 'rxjs';
import { messageFromArray } from '../../src/protocol/message.js';
import type { WampMessage } from '../../src/protocol/message.js';
import { serializerFor } from '../../src/serialization/registry.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import type { Router } from '../../src/router/router.js';
import type { Transport } from '../../src/transport/transport.js';

/** Roles a raw peer announces: every client role with the features the router specs exercise. */
export const ALL_CLIENT_ROLES = {
  publisher: { features: { publisher_exclusion: true, publisher_identification: true, subscriber_blackwhite_listing: true } },
  subscriber: { features: { pattern_based_subscription: true, publisher_identification: true } },
  caller: { features: { progressive_call_results: true, call_canceling: true, call_timeout: true, caller_identification: true, progressive_call_invocations: true } },
  callee: {
    features: {
      progressive_call_results: true,
      call_canceling: true,
      call_timeout: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_invocations: true,
    },
  },
};

/**
 * A WAMP peer at the level of message arrays, over a loopback transport to a real Router:
 * specs send exactly the messages they mean (valid or not) and await what comes back.
 */
export class RawPeer {
  readonly received: unknown[][] = [];
  /** Every frame from the router, as it arrived (for specs that compare bytes). */
  readonly frames: Array<string | Uint8Array> = [];
  closed = false;
  /** Why the router closed the transport, when it closed it with a failure (undefined after a clean close). */
  failure: unknown;
  /** Answer a GOODBYE from the router as a client would. */
  autoAnswerGoodbye = true;
  readonly #waiters: Array<{ test: (m: unknown[]) => boolean; resolve: (m: unknown[]) => void }> = [];
  readonly #closeWaiters: Array<() => void> = [];
  readonly #send: (frame: string | Uint8Array) => void;
  readonly #close: () => void;
  readonly #subscription: Subscription;
  readonly #serializer;

  /**
   * `router` may be anything that serves a transport (a spec's own host of one session);
   * `transport` lets a spec wrap the router's end (a size limit, a failing socket, a backlog).
   */
  constructor(router: Pick<Router, 'attach'>, protocol = 'wamp.2.json', options: { transport?: (routerEnd: Transport) => Transport } = {}) {
    const [routerEnd, peerEnd] = loopbackPair(protocol);
    this.#serializer = serializerFor(protocol)!;
    router.attach(options.transport?.(routerEnd) ?? routerEnd);
    this.#send = (frame) => peerEnd.outgoing.next(frame);
    this.#close = () => peerEnd.outgoing.complete();
    this.#subscription = peerEnd.incoming$.subscribe({
      next: (frame) => {
        this.frames.push(frame);
        this.#receive(this.#serializer.decode(frame));
      },
      error: (err: unknown) => {
        this.failure = err;
        this.#closed();
      },
      complete: () => this.#closed(),
    });
  }

  /** Sends one message given in its array form. */
  send(...message: unknown[]): void {
    this.#send(this.#serializer.encode(messageFromArray(message)));
  }

  /** Sends bytes or text as they are (for malformed input). */
  sendFrame(frame: string | Uint8Array): void {
    this.#send(frame);
  }

  /** Resolves with the first received message (already received or yet to come) with this code that passes `test`. */
  next(code: number, test: (m: unknown[]) => boolean = () => true): Promise<unknown[]> {
    const match = (m: unknown[]): boolean => m[0] === code && test(m);
    const at = this.received.findIndex(match);
    if (at >= 0) return Promise.resolve(this.received.splice(at, 1)[0]!);
    return new Promise((resolve) => this.#waiters.push({ test: match, resolve }));
  }

  /** Resolves with the first received message whose code is one of `codes`. */
  nextOf(codes: number[]): Promise<unknown[]> {
    const match = (m: unknown[]): boolean => codes.includes(m[0] as number);
    const at = this.received.findIndex(match);
    if (at >= 0) return Promise.resolve(this.received.splice(at, 1)[0]!);
    return new Promise((resolve) => this.#waiters.push({ test: match, resolve }));
  }

  /** Resolves when the router has closed the transport. */
  whenClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Joins `realm` and resolves with the WELCOME. */
  async join(realm = 'realm1', details: Record<string, unknown> = {}): Promise<unknown[]> {
    this.send(1, realm, { roles: ALL_CLIENT_ROLES, ...details });
    const answer = await this.nextOf([2, 3]);
    if (answer[0] === 3) throw new Error(`ABORT ${JSON.stringify(answer)}`);
    return answer;
  }

  /** The session id from the WELCOME. */
  static sessionOf(welcome: unknown[]): number {
    return welcome[1] as number;
  }

  /** Cuts the transport without GOODBYE. */
  cut(): void {
    this.#close();
    this.#subscription.unsubscribe();
  }

  #receive(message: WampMessage): void {
    const array = message.toArray();
    // Like any client, answer the router's GOODBYE (the spec still sees it in `received`).
    if (array[0] === 6 && this.autoAnswerGoodbye && array[2] !== 'wamp.close.goodbye_and_out') this.send(6, {}, 'wamp.close.goodbye_and_out');
    const at = this.#waiters.findIndex((w) => w.test(array));
    if (at >= 0) this.#waiters.splice(at, 1)[0]!.resolve(array);
    else this.received.push(array);
  }

  #closed(): void {
    this.closed = true;
    for (const w of this.#closeWaiters.splice(0)) w();
  }
}
