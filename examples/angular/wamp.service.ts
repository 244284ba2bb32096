import { Injectable, InjectionToken, inject } from '@angular/core';
import type { OnDestroy, Provider } from '@angular/core';
import { map } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampClient } from 'rxwamp';
import type { WampClientOptions, WampSession } from 'rxwamp';
import { sessionCount } from './contracts.js';

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

  // The client's own methods, bound: they keep its overloads, so a contract (see
  // contracts.ts) types the call, the handler, the payload and the events, and a plain URI
  // still works untyped.

  /** Calls a procedure (URI or contract); unsubscribe to cancel. */
  readonly call: WampClient['call'] = this.#client.call.bind(this.#client);

  /** The EVENTs of a topic (URI or contract), shared by every subscriber in the app, across reconnects. */
  readonly subscribe: WampClient['subscribe'] = this.#client.subscribe.bind(this.#client);

  /** Publishes an event (URI or contract). */
  readonly publish: WampClient['publish'] = this.#client.publish.bind(this.#client);

  /** Registers a procedure (URI or contract) while subscribed. */
  readonly register: WampClient['register'] = this.#client.register.bind(this.#client);

  /** How many sessions the realm has now: a call typed and checked by its contract (contracts.ts). */
  sessionCount(): Observable<number> {
    return this.call(sessionCount).pipe(map((result) => result.args[0]));
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
