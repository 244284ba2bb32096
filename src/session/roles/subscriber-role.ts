import { Codes } from '../../protocol/message-table.js';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import { ProtocolViolation } from '../../protocol/errors.js';
import { createMessage } from '../../protocol/message.js';
import type { WampMessage } from '../../protocol/message.js';
import { sharedByKey } from '../shared-by-key.js';
import { wampErrorFrom } from '../wamp-error-from.js';
import type { SubscribeOptions, WampEvent } from '../role-types.js';
import type { RoleHandler, SessionContext, SessionEnd } from '../session-context.js';
import { payloadOf } from '../ppt/payload-passthru.js';
import type { UnpackedPayload } from '../ppt/payload-passthru.js';
import { optionsKey, wireOptions } from './options-key.js';

/** One Rx subscriber of one WAMP subscription. */
interface Listener {
  readonly subscriber: Subscriber<WampEvent>;
  readonly topic: string;
  /** The subscription id once SUBSCRIBED arrived; 0 while pending. */
  subscription: number;
  /** Left before SUBSCRIBED arrived: unsubscribe as soon as it does. */
  left: boolean;
  /** Ended by the router or the session: nothing to undo. */
  done: boolean;
}

/** The subscriber role of a session: SUBSCRIBE/UNSUBSCRIBE and EVENT dispatch. */
export class SubscriberRole implements RoleHandler {
  /** SUBSCRIBE request id → the listener waiting for SUBSCRIBED. */
  readonly #pending = new Map<number, Listener>();
  /** Subscription id → its listeners (several when the router returns one id for equal subscriptions). */
  readonly #subscriptions = new Map<number, Set<Listener>>();
  /** UNSUBSCRIBE request id → subscription id. */
  readonly #unsubscribing = new Map<number, number>();
  /** Subscriptions whose UNSUBSCRIBE is in flight: their late EVENTs are dropped. */
  readonly #draining = new Set<number>();
  /** topic+options → the one shared Observable for them. */
  readonly #shared = new Map<string, Observable<WampEvent>>();

  constructor(private readonly ctx: SessionContext) {}

  /** A cold Observable of EVENTs, shared by all Rx subscribers of the same topic and options. */
  subscribe(topic: string, options: SubscribeOptions = {}): Observable<WampEvent> {
    const key = `${topic}\u0000${optionsKey(options)}`;
    return sharedByKey(this.#shared, key, () => this.#open(topic, options));
  }

  #open(topic: string, options: SubscribeOptions): Observable<WampEvent> {
    return new Observable<WampEvent>((subscriber) => {
      this.ctx.assertOpen();
      if (options.match !== undefined && options.match !== 'exact') {
        this.ctx.requireFeature('broker', 'pattern_based_subscription', `subscribing with match: ${options.match}`);
      }
      if (options.get_retained === true) this.ctx.requireFeature('broker', 'event_retention', 'subscribing with get_retained');
      const request = this.ctx.nextRequestId();
      const listener: Listener = { subscriber, topic, subscription: 0, left: false, done: false };
      this.#pending.set(request, listener);
      try {
        this.ctx.send(createMessage('SUBSCRIBE', { Request: request, Options: wireOptions(options), Topic: topic }));
      } catch (err) {
        this.#pending.delete(request);
        throw err;
      }
      return () => this.#leave(listener);
    });
  }

  #leave(listener: Listener): void {
    if (listener.done) return;
    listener.done = true;
    if (listener.subscription === 0) {
      listener.left = true;
      return;
    }
    const listeners = this.#subscriptions.get(listener.subscription);
    if (listeners === undefined) return;
    listeners.delete(listener);
    if (listeners.size > 0) return;
    this.#subscriptions.delete(listener.subscription);
    this.#unsubscribe(listener.subscription);
  }

  #unsubscribe(subscription: number): void {
    if (!this.ctx.isOpen) return;
    const request = this.ctx.nextRequestId();
    this.#unsubscribing.set(request, subscription);
    this.#draining.add(subscription);
    this.ctx.send(createMessage('UNSUBSCRIBE', { Request: request, Subscription: subscription }));
  }

  handle(message: WampMessage): void {
    switch (message.code) {
      case 36:
        return this.#event(message.fields.Subscription, message.fields.Publication, message.fields.Details, message);
      case 33: {
        const request = message.fields['SUBSCRIBE.Request'];
        const listener = this.#pending.get(request);
        if (listener === undefined) return this.ctx.stray(`SUBSCRIBED for request ${request}, which is no pending SUBSCRIBE`);
        this.#pending.delete(request);
        const subscription = message.fields.Subscription;
        if (listener.left) {
          if (!this.#subscriptions.has(subscription)) this.#unsubscribe(subscription);
          return;
        }
        listener.subscription = subscription;
        let listeners = this.#subscriptions.get(subscription);
        if (listeners === undefined) this.#subscriptions.set(subscription, (listeners = new Set()));
        listeners.add(listener);
        this.#draining.delete(subscription);
        return;
      }
      case 35: {
        const request = message.fields['UNSUBSCRIBE.Request'];
        if (request === 0) return this.#revoked(message.fields.Details ?? {});
        const subscription = this.#unsubscribing.get(request);
        if (subscription === undefined) return this.ctx.stray(`UNSUBSCRIBED for request ${request}, which is no pending UNSUBSCRIBE`);
        this.#unsubscribing.delete(request);
        this.#draining.delete(subscription);
        return;
      }
      case 8: {
        const request = message.fields['REQUEST.Request'];
        if (message.fields['REQUEST.Type'] === Codes.SUBSCRIBE) {
          const listener = this.#pending.get(request);
          if (listener === undefined) return this.ctx.stray(`ERROR for SUBSCRIBE request ${request}, which is not pending`);
          this.#pending.delete(request);
          if (!listener.left) {
            listener.done = true;
            listener.subscriber.error(wampErrorFrom(message));
          }
          return;
        }
        const subscription = this.#unsubscribing.get(request);
        if (subscription === undefined) return this.ctx.stray(`ERROR for UNSUBSCRIBE request ${request}, which is not pending`);
        this.#unsubscribing.delete(request);
        this.#draining.delete(subscription);
        return;
      }
      default:
        throw new ProtocolViolation(`${message.name} is not a subscriber message`);
    }
  }

  #event(subscription: number, publication: number, details: Record<string, unknown>, message: WampMessage): void {
    const listeners = this.#subscriptions.get(subscription);
    if (listeners === undefined) {
      if (this.#draining.has(subscription)) return;
      return this.ctx.stray(`EVENT for subscription ${subscription}, which this session does not hold`);
    }
    let payload: UnpackedPayload;
    try {
      payload = payloadOf(this.ctx.payloads, message);
    } catch (err) {
      // An event that cannot be read (wrong key, tampered) ends the subscription with the reason.
      for (const listener of [...listeners]) listener.subscriber.error(err);
      return;
    }
    const { args, kwargs } = payload;
    let topic = details['topic'];
    const publisher = details['publisher'];
    for (const listener of listeners) {
      if (typeof topic !== 'string') topic = listener.topic;
      const event: WampEvent =
        typeof publisher === 'number'
          ? { args, kwargs, details, topic: topic as string, publisher, publication }
          : { args, kwargs, details, topic: topic as string, publication };
      listener.subscriber.next(event);
    }
  }

  /** `[35, 0, {subscription, reason}]`: the router ended a subscription; its Observables complete. */
  #revoked(details: Record<string, unknown>): void {
    const subscription = details['subscription'];
    if (typeof subscription !== 'number') return;
    const listeners = this.#subscriptions.get(subscription);
    if (listeners === undefined) return;
    this.#subscriptions.delete(subscription);
    for (const listener of listeners) {
      listener.done = true;
      listener.subscriber.complete();
    }
  }

  end({ error, clean }: SessionEnd): void {
    const pending = [...this.#pending.values()];
    const live = [...this.#subscriptions.values()];
    this.#pending.clear();
    this.#subscriptions.clear();
    this.#unsubscribing.clear();
    this.#draining.clear();
    for (const listener of pending) {
      if (listener.left) continue;
      listener.done = true;
      listener.subscriber.error(error);
    }
    for (const listeners of live) {
      for (const listener of listeners) {
        listener.done = true;
        if (clean) listener.subscriber.complete();
        else listener.subscriber.error(error);
      }
    }
  }

  size(): number {
    return this.#pending.size + this.#subscriptions.size + this.#unsubscribing.size + this.#draining.size + this.#shared.size;
  }
}
