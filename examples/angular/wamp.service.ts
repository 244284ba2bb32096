import { Injectable, InjectionToken, inject } from '@angular/core';
import type { OnDestroy, Provider } from '@angular/core';
import type { Observable } from 'rxjs';
import { WampClient } from 'rxwamp';
import type { CallOptions, CallResult, Dict, Handler, Publication, PublishOptions, Registration, RegisterOptions, SubscribeOptions, WampClientOptions, WampEvent, WampSession } from 'rxwamp';

/** The WampClient options of the app (router URL, realm, credentials). */
export const WAMP_OPTIONS = new InjectionToken<WampClientOptions>('rxwamp WampClientOptions');

/** Provides the app's WAMP connection settings: `bootstrapApplication(App, { providers: [provideWamp({ url, realm })] })`. */
export function provideWamp(options: WampClientOptions): Provider[] {
  return [{ provide: WAMP_OPTIONS, useValue: options }];
}

/**
 * The app's one WAMP connection: a root service wrapping a {@link WampClient}, so every
 * component shares one session (opened on first use, reconnecting on loss) and the
 * connection closes when the app (its root injector) is destroyed. Components use the
 * Observables with the `async` pipe: unsubscribing cancels calls and subscriptions.
 */
@Injectable({ providedIn: 'root' })
export class WampService implements OnDestroy {
  readonly #client = new WampClient(inject(WAMP_OPTIONS));
  #closed = false;

  /** Each established session (a new one after every reconnect). */
  readonly session$: Observable<WampSession> = this.#client.session$;

  /** Calls a procedure; unsubscribe to cancel. */
  call(procedure: string, args?: unknown[], kwargs?: Dict, options?: CallOptions): Observable<CallResult> {
    return this.#client.call(procedure, args, kwargs, options);
  }

  /** The EVENTs of a topic, shared by every subscriber in the app, across reconnects. */
  subscribe(topic: string, options?: SubscribeOptions): Observable<WampEvent> {
    return this.#client.subscribe(topic, options);
  }

  /** Publishes an event. */
  publish(topic: string, args?: unknown[], kwargs?: Dict, options?: PublishOptions): Observable<Publication> {
    return this.#client.publish(topic, args, kwargs, options);
  }

  /** Registers a procedure while subscribed. */
  register(procedure: string, handler: Handler, options?: RegisterOptions): Observable<Registration> {
    return this.#client.register(procedure, handler, options);
  }

  /** Whether the connection is closed for good (after the app was destroyed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Angular calls this when the root injector is destroyed: say GOODBYE and stop reconnecting. */
  ngOnDestroy(): void {
    this.#closed = true;
    void this.#client.close();
  }
}
