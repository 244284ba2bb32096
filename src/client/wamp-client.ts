import { BehaviorSubject, defer, filter, first, Observable, switchMap, catchError, throwError, timer, EmptyError } from 'rxjs';
import { Subscription } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { WampError, WampErrors } from '../protocol/errors.js';
import { serializerFor } from '../serialization/registry.js';
import type { Transport } from '../transport/transport.js';
import type { CallOptions, CallResult, Handler, Publication, PublishOptions, Registration, RegisterOptions, SubscribeOptions, WampEvent } from '../session/role-types.js';
import { optionsKey } from '../session/roles/options-key.js';
import { sharedByKey } from '../session/shared-by-key.js';
import { WampSession } from '../session/wamp-session.js';
import { authMethodsOf } from './auth-shorthand.js';
import { backoffDelay, reconnectPolicy } from './backoff.js';
import type { ReconnectPolicy } from './backoff.js';
import type { WampClientOptions } from './client-options.js';
import { transportForUrl } from './open-transport.js';

/** No session now: connecting, or between a lost connection and the next one. */
const NO_SESSION = undefined;

/**
 * A WAMP client: the four client roles as Observables over a session it opens on first
 * use and keeps open (reconnecting with backoff) until {@link close}. Subscriptions and
 * registrations are re-established on every new session, so their Observables live on
 * across reconnects; calls in flight when a connection drops error with the reason.
 */
export class WampClient {
  /** Each established session, one per (re)connection; the current one first for a late subscriber. Completes on close. */
  readonly session$: Observable<WampSession>;
  readonly #options: WampClientOptions;
  readonly #policy: ReconnectPolicy;
  readonly #current = new BehaviorSubject<WampSession | undefined>(NO_SESSION);
  readonly #shared = new Map<string, Observable<unknown>>();
  /** The connection loop: the running attempt or the pending retry timer. */
  #connection: Subscription | undefined;
  #closed = false;

  constructor(options: WampClientOptions) {
    if (options.transport === undefined && options.url === undefined) throw new TypeError('WampClient needs a url or a transport factory');
    this.#options = options;
    this.#policy = reconnectPolicy(options.reconnect);
    this.session$ = defer(() => {
      this.#connect();
      return this.#current.pipe(filter((s): s is WampSession => s !== undefined));
    });
  }

  /** The session of the moment, if one is established. */
  get session(): WampSession | undefined {
    return this.#current.value;
  }

  /** Calls a procedure on the next established session (see WampSession.call). */
  call(procedure: string, args?: unknown[] | Observable<unknown[]>, kwargs?: Dict, options?: CallOptions): Observable<CallResult> {
    return this.#onSession((s) => s.call(procedure, args, kwargs, options));
  }

  /** Publishes on the next established session (see WampSession.publish). */
  publish(topic: string, args?: unknown[], kwargs?: Dict, options?: PublishOptions): Observable<Publication> {
    return this.#onSession((s) => s.publish(topic, args, kwargs, options));
  }

  /**
   * EVENTs of a topic across reconnects: subscribed on every session while anyone
   * listens; shared per topic and options.
   */
  subscribe(topic: string, options: SubscribeOptions = {}): Observable<WampEvent> {
    return this.#sharedAcrossSessions(`s\u0000${topic}\u0000${optionsKey(options)}`, (s) => s.subscribe(topic, options));
  }

  /** Registers a procedure on every session while subscribed; emits a Registration per session. */
  register(procedure: string, handler: Handler, options: RegisterOptions = {}): Observable<Registration> {
    return this.#acrossSessions((s) => s.register(procedure, handler, options));
  }

  /** Closes the client: GOODBYE on the current session, no more reconnects; every Observable completes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const session = this.#current.value;
    try {
      if (session !== undefined) await session.close();
    } finally {
      this.#connection?.unsubscribe();
      this.#connection = undefined;
      this.#current.complete();
    }
  }

  /** Internal map entries of the client and its current session (0 when idle): for leak checks. */
  internalSize(): number {
    return this.#shared.size + (this.#current.value?.internalSize() ?? 0);
  }

  /** Runs `work` on the next established session; errors if the client closes first. */
  #onSession<T>(work: (session: WampSession) => Observable<T>): Observable<T> {
    return defer(() => {
      this.#connect();
      return this.#current.pipe(
        first((s): s is WampSession => s !== undefined),
        catchError((err: unknown) => throwError(() => (err instanceof EmptyError ? new WampError(WampErrors.unavailable, ['the client is closed']) : err))),
        switchMap(work),
      );
    });
  }

  /**
   * Runs `work` on each session in turn. When a session ends, its stream's ending is
   * swallowed and `work` runs again on the next session; an error or completion while
   * the session is alive (router ERROR, revocation) ends the Observable.
   */
  #acrossSessions<T>(work: (session: WampSession) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.#connect();
      let inner: Subscription | undefined;
      const outer = this.#current.subscribe({
        next: (session) => {
          inner?.unsubscribe();
          inner = undefined;
          if (session === undefined) return;
          inner = work(session).subscribe({
            next: (value) => subscriber.next(value),
            error: (err: unknown) => {
              if (session.state !== 'closed') subscriber.error(err);
            },
            complete: () => {
              if (session.state !== 'closed') subscriber.complete();
            },
          });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        inner?.unsubscribe();
        outer.unsubscribe();
      };
    });
  }

  #sharedAcrossSessions<T>(key: string, work: (session: WampSession) => Observable<T>): Observable<T> {
    return sharedByKey(this.#shared as Map<string, Observable<T>>, key, () => this.#acrossSessions(work));
  }

  /** Starts the connection loop once: connect, run the session, reconnect with backoff. */
  #connect(): void {
    if (this.#connection !== undefined || this.#closed) return;
    const loop = (this.#connection = new Subscription());
    let failures = 0;
    const openTransport = this.#transportFactory();
    const attempt = (): void => {
      if (this.#closed) return;
      const methods = authMethodsOf(this.#options);
      const connection = defer(openTransport)
        .pipe(
          first(),
          switchMap((transport: Transport) =>
            WampSession.connect(transport, {
              realm: this.#options.realm,
              authid: this.#options.authid,
              authextra: this.#options.authextra,
              authmethods: methods,
              requireRouterFeatures: this.#options.requireRouterFeatures,
              checkRequestIds: this.#options.checkRequestIds,
            }),
          ),
        )
        .subscribe({
          next: (session) => {
            failures = 0;
            this.#current.next(session);
          },
          error: (err: unknown) => {
            const wasUp = this.#current.value !== undefined;
            this.#current.next(NO_SESSION);
            // An ABORT while joining (no such realm, authentication failed) will not heal by retrying.
            if (!wasUp && err instanceof WampError && !(err.uri === WampErrors.networkFailure)) return this.#fail(err);
            retry(err);
          },
          complete: () => {
            this.#current.next(NO_SESSION);
            retry(undefined);
          },
        });
      loop.add(connection);
    };
    const retry = (err: unknown): void => {
      if (this.#closed) return;
      if (failures >= this.#policy.maxRetries) {
        const text = err instanceof Error ? err.message : 'the router closed the session';
        return this.#fail(new WampError(WampErrors.networkFailure, [`gave up reconnecting after ${failures} attempts: ${text}`], {}, { message: text }));
      }
      const delay = backoffDelay(failures, this.#policy);
      failures += 1;
      loop.add(timer(delay).subscribe(() => attempt()));
    };
    attempt();
  }

  #fail(err: unknown): void {
    this.#closed = true;
    this.#current.error(err);
  }

  #transportFactory(): () => Observable<Transport> {
    if (this.#options.transport !== undefined) return this.#options.transport;
    const serializer = serializerFor(this.#options.serializer ?? 'json');
    if (serializer === undefined) throw new TypeError(`unknown serializer ${String(this.#options.serializer)}`);
    return transportForUrl(this.#options.url!, serializer, this.#options.tls);
  }
}
