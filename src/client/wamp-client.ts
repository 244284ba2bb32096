import { BehaviorSubject, defer, filter, first, Observable, switchMap, catchError, throwError, timer, EmptyError } from 'rxjs';
import { Subscription } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { WampError, WampErrors } from '../protocol/errors.js';
import { serializerFor } from '../serialization/registry.js';
import type { Transport } from '../transport/transport.js';
import type { CallOptions, CallResult, Handler, Publication, PublishOptions, Registration, RegisterOptions, SubscribeOptions, WampEvent } from '../session/role-types.js';
import { checkedEvents, uriOf } from '../session/contract-checks.js';
import type { CallPayload, ContractCallResult, ContractEvent, ContractHandler, ProcedureContract, PublishPayload, ProcedureRef, ProcedureTypes, TopicContract, TopicRef, TopicTypes } from '../session/contract.js';
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
  #failed = false;
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
    return this.#sessionNow();
  }

  /** The current session; none once the client has given up (an errored BehaviorSubject's value throws). */
  #sessionNow(): WampSession | undefined {
    return this.#failed ? undefined : this.#current.value;
  }

  /** Calls a procedure on the next established session (see WampSession.call); a procedure contract types and checks the call. */
  call(procedure: string, args?: unknown[] | Observable<unknown[]>, kwargs?: Dict, options?: CallOptions): Observable<CallResult>;
  call<T extends ProcedureTypes>(procedure: ProcedureContract<T>, ...payload: CallPayload<T>): Observable<ContractCallResult<T>>;
  call(procedure: ProcedureRef, args?: readonly unknown[] | Observable<readonly unknown[]>, kwargs?: object, options?: CallOptions): Observable<CallResult> {
    const a = args as unknown[] | Observable<unknown[]> | undefined;
    const k = kwargs as Dict | undefined;
    return this.#onSession((s) => (typeof procedure === 'string' ? s.call(procedure, a, k, options) : s.call(procedure, a, k, options)));
  }

  /** Publishes on the next established session (see WampSession.publish); a topic contract types and checks the payload. */
  publish(topic: string, args?: unknown[], kwargs?: Dict, options?: PublishOptions): Observable<Publication>;
  publish<T extends TopicTypes>(topic: TopicContract<T>, ...payload: PublishPayload<T>): Observable<Publication>;
  publish(topic: TopicRef, args?: readonly unknown[], kwargs?: object, options?: PublishOptions): Observable<Publication> {
    const a = args as unknown[] | undefined;
    const k = kwargs as Dict | undefined;
    return this.#onSession((s) => (typeof topic === 'string' ? s.publish(topic, a, k, options) : s.publish(topic, a, k, options)));
  }

  /**
   * EVENTs of a topic across reconnects: subscribed on every session while anyone
   * listens; shared per topic and options. A topic contract types the events and checks
   * each one (a bad event errors this Observable rather than reach the subscriber).
   */
  subscribe(topic: string, options?: SubscribeOptions): Observable<WampEvent>;
  subscribe<T extends TopicTypes>(topic: TopicContract<T>, options?: SubscribeOptions): Observable<ContractEvent<T>>;
  subscribe(topic: TopicRef, options: SubscribeOptions = {}): Observable<WampEvent> {
    const uri = uriOf(topic);
    const events = this.#sharedAcrossSessions(`s\u0000${uri}\u0000${optionsKey(options)}`, (s) => s.subscribe(uri, options));
    return typeof topic === 'string' ? events : events.pipe(checkedEvents(topic));
  }

  /** Registers a procedure on every session while subscribed; emits a Registration per session. A procedure contract types the handler and checks each invocation. */
  register(procedure: string, handler: Handler, options?: RegisterOptions): Observable<Registration>;
  register<T extends ProcedureTypes>(procedure: ProcedureContract<T>, handler: ContractHandler<T>, options?: RegisterOptions): Observable<Registration>;
  register(procedure: ProcedureRef, handler: Handler | ContractHandler<ProcedureTypes>, options: RegisterOptions = {}): Observable<Registration> {
    // One handler type for both branches: the session checks the arguments of a contract's invocations.
    const plain = handler as Handler;
    const contractual = handler as ContractHandler<ProcedureTypes>;
    return this.#acrossSessions((s) => (typeof procedure === 'string' ? s.register(procedure, plain, options) : s.register(procedure, contractual, options)));
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
    return this.#shared.size + (this.#sessionNow()?.internalSize() ?? 0);
  }

  /**
   * Runs `work` on the next established session; errors if the client closes first. With a
   * session already established (the usual case) `work` runs on it directly: no operators
   * to set up and tear down per call or publication (BENCHMARKS.md, WampClient).
   */
  #onSession<T>(work: (session: WampSession) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const session = this.#sessionNow();
      return (session !== undefined ? work(session) : this.#onNextSession(work)).subscribe(subscriber);
    });
  }

  #onNextSession<T>(work: (session: WampSession) => Observable<T>): Observable<T> {
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
              strict: this.#options.strict,
              checkRequestIds: this.#options.checkRequestIds,
              rejectStrayMessages: this.#options.rejectStrayMessages,
              payloadCiphers: this.#options.payloadCiphers,
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
    this.#failed = true;
    this.#current.error(err);
  }

  #transportFactory(): () => Observable<Transport> {
    if (this.#options.transport !== undefined) return this.#options.transport;
    const serializer = serializerFor(this.#options.serializer ?? 'json');
    if (serializer === undefined) throw new TypeError(`unknown serializer ${String(this.#options.serializer)}`);
    return transportForUrl(this.#options.url!, serializer, this.#options.tls);
  }
}
