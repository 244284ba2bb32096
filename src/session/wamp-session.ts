import { Codes } from '../protocol/message-table.js';
import { Observable, Subject } from 'rxjs';
import type { Observer, Subscriber, Subscription } from 'rxjs';
import type { ClientAuthMethod } from '../client/auth/auth-method.js';
import type { Dict } from '../protocol/dict.js';
import { ProtocolViolation, WampCloseReasons, WampError, WampErrors } from '../protocol/errors.js';
import { hasFeature } from '../protocol/features.js';
import type { RoleName } from '../protocol/features.js';
import { IdSequence } from '../protocol/ids.js';
import { createMessage } from '../protocol/message.js';
import type { Message, WampMessage } from '../protocol/message.js';
import { serializerFor } from '../serialization/registry.js';
import type { Serializer } from '../serialization/serializer.js';
import type { Frame, Transport } from '../transport/transport.js';
import { CLIENT_AGENT, CLIENT_ROLES } from './client-roles.js';
import { checkedCall, checkedEvents, checkedHandler, checkedPublish } from './contract-checks.js';
import type { CallPayload, ContractCallResult, ContractEvent, ContractHandler, ProcedureContract, PublishPayload, ProcedureRef, ProcedureTypes, TopicContract, TopicRef, TopicTypes } from './contract.js';
import type { CallOptions, CallResult, Handler, Publication, PublishOptions, Registration, RegisterOptions, SubscribeOptions, WampEvent } from './role-types.js';
import { CalleeRole } from './roles/callee-role.js';
import { CallerRole } from './roles/caller-role.js';
import { PublisherRole } from './roles/publisher-role.js';
import { SubscriberRole } from './roles/subscriber-role.js';
import type { PayloadCipher } from './ppt/payload-cipher.js';
import { PayloadPassthru } from './ppt/payload-passthru.js';
import type { RoleHandler, SessionContext } from './session-context.js';
import { featureNotAnnounced, SessionClosedError } from './session-errors.js';
import type { SessionState } from './session-state.js';
import { wampErrorFrom } from './wamp-error-from.js';

/** How to open a session. */
export interface SessionOptions {
  /** The realm to join. */
  realm: string;
  /** HELLO.Details.authid. */
  authid?: string;
  /** The authentication methods offered, in order of preference (none: anonymous). */
  authmethods?: readonly ClientAuthMethod[];
  /** Extra HELLO.Details.authextra entries. */
  authextra?: Dict;
  /**
   * Refuse (error the Observable with `wamp.error.feature_not_supported`) to use an
   * advanced feature the router did not announce in WELCOME.roles. Default true.
   */
  requireRouterFeatures?: boolean;
  /** Turns on every strict check below (one set on its own still wins). Default false. */
  strict?: boolean;
  /** Treat an out-of-sequence INVOCATION request id as a protocol violation. Default `strict`. */
  checkRequestIds?: boolean;
  /** Treat a message that answers nothing pending as a protocol violation instead of dropping it. Default `strict`. */
  rejectStrayMessages?: boolean;
  /** The serializer; default: the one named by the transport's protocol. */
  serializer?: Serializer;
  /** Ciphers for end-to-end encrypted payloads (`ppt_cipher`), e.g. `[xsalsa20poly1305Cipher(keys)]`. */
  payloadCiphers?: readonly PayloadCipher[];
}

/**
 * One WAMP session of a client over one transport. It is an Observer of outbound
 * messages (`next()` sends) with `messages$` for inbound ones, runs the handshake and the
 * GOODBYE exchange, enforces the client side of the session state machine, and offers
 * the four client roles as Observables. Open one with {@link WampSession.connect}.
 */
export class WampSession implements Observer<WampMessage> {
  /** Every inbound message, decoded, from HELLO on; completes when the session ends cleanly, errors otherwise. */
  readonly messages$: Observable<WampMessage>;
  readonly #inbound = new Subject<WampMessage>();
  readonly #transport: Transport;
  readonly #serializer: Serializer;
  readonly #options: SessionOptions;
  readonly #requests = new IdSequence();
  #state: SessionState = 'establishing';
  #id = 0;
  #welcome: Dict = {};
  #lifecycle: Subscriber<WampSession> | undefined;
  #incoming: Subscription | undefined;
  #goodbye: { resolve: () => void } | undefined;
  #goodbyeDone: Promise<void> | undefined;
  readonly #publisher: PublisherRole;
  readonly #subscriber: SubscriberRole;
  readonly #caller: CallerRole;
  readonly #callee: CalleeRole;
  readonly #roles: readonly RoleHandler[];

  /**
   * Opens a session over a connected transport: emits the session once WELCOME arrives,
   * completes when it ends with a GOODBYE exchange, errors on ABORT (a WampError with its
   * reason), a protocol violation (ProtocolViolation) or a lost transport
   * (SessionClosedError). Unsubscribing closes the transport at once.
   */
  static connect(transport: Transport, options: SessionOptions): Observable<WampSession> {
    return new Observable<WampSession>((subscriber) => {
      let session: WampSession;
      try {
        session = new WampSession(transport, options);
      } catch (err) {
        // No session will ever close this transport: close it here (an unknown serialization).
        transport.outgoing.error(err);
        throw err;
      }
      session.#start(subscriber);
      return () => session.#dispose();
    });
  }

  private constructor(transport: Transport, options: SessionOptions) {
    const serializer = options.serializer ?? serializerFor(transport.protocol);
    if (serializer === undefined) throw new WampError(WampErrors.protocolViolation, [`unknown serialization ${transport.protocol}`]);
    this.#transport = transport;
    this.#serializer = serializer;
    this.#options = options;
    this.messages$ = this.#inbound.asObservable();
    const ctx = this.#context();
    this.#publisher = new PublisherRole(ctx);
    this.#subscriber = new SubscriberRole(ctx);
    this.#caller = new CallerRole(ctx);
    this.#callee = new CalleeRole(ctx);
    this.#roles = [this.#publisher, this.#subscriber, this.#caller, this.#callee];
  }

  /** The session id the router assigned (0 before WELCOME). */
  get id(): number {
    return this.#id;
  }

  /** The realm joined. */
  get realm(): string {
    return this.#options.realm;
  }

  /** WELCOME.Details: authid, authrole, authmethod, the router's roles … */
  get details(): Dict {
    return this.#welcome;
  }

  /** The router's roles announcement (WELCOME.Details.roles). */
  get routerRoles(): Dict {
    const roles = this.#welcome['roles'];
    return typeof roles === 'object' && roles !== null ? (roles as Dict) : {};
  }

  /** Where the session is in its state machine. */
  get state(): SessionState {
    return this.#state;
  }

  /** The serializer in use. */
  get serializer(): Serializer {
    return this.#serializer;
  }

  /** Subscribes to a topic: see {@link SubscriberRole.subscribe}. A topic contract types the events and checks them. */
  subscribe(topic: string, options?: SubscribeOptions): Observable<WampEvent>;
  subscribe<T extends TopicTypes>(topic: TopicContract<T>, options?: SubscribeOptions): Observable<ContractEvent<T>>;
  subscribe(topic: TopicRef, options?: SubscribeOptions): Observable<WampEvent> {
    if (typeof topic === 'string') return this.#subscriber.subscribe(topic, options);
    return this.#subscriber.subscribe(topic.uri, options).pipe(checkedEvents(topic));
  }

  /** Publishes to a topic: see {@link PublisherRole.publish}. A topic contract types the payload and checks it before sending. */
  publish(topic: string, args?: unknown[], kwargs?: Dict, options?: PublishOptions): Observable<Publication>;
  publish<T extends TopicTypes>(topic: TopicContract<T>, ...payload: PublishPayload<T>): Observable<Publication>;
  publish(topic: TopicRef, args?: readonly unknown[], kwargs?: object, options?: PublishOptions): Observable<Publication> {
    const a = args as unknown[] | undefined;
    const k = kwargs as Dict | undefined;
    if (typeof topic === 'string') return this.#publisher.publish(topic, a, k, options);
    return checkedPublish(topic, a, k, () => this.#publisher.publish(topic.uri, a, k, options));
  }

  /** Calls a procedure: see {@link CallerRole.call}. A procedure contract types the call and checks arguments and results. */
  call(procedure: string, args?: unknown[] | Observable<unknown[]>, kwargs?: Dict, options?: CallOptions): Observable<CallResult>;
  call<T extends ProcedureTypes>(procedure: ProcedureContract<T>, ...payload: CallPayload<T>): Observable<ContractCallResult<T>>;
  call(procedure: ProcedureRef, args?: readonly unknown[] | Observable<readonly unknown[]>, kwargs?: object, options?: CallOptions): Observable<CallResult> {
    const a = args as unknown[] | Observable<unknown[]> | undefined;
    const k = kwargs as Dict | undefined;
    if (typeof procedure === 'string') return this.#caller.call(procedure, a, k, options);
    return checkedCall(procedure, a, k, (checked) => this.#caller.call(procedure.uri, checked, k, options));
  }

  /** Registers a procedure: see {@link CalleeRole.register}. A procedure contract types the handler and checks each invocation. */
  register(procedure: string, handler: Handler, options?: RegisterOptions): Observable<Registration>;
  register<T extends ProcedureTypes>(procedure: ProcedureContract<T>, handler: ContractHandler<T>, options?: RegisterOptions): Observable<Registration>;
  register(procedure: ProcedureRef, handler: Handler | ContractHandler<ProcedureTypes>, options?: RegisterOptions): Observable<Registration> {
    if (typeof procedure === 'string') return this.#callee.register(procedure, handler as Handler, options);
    return this.#callee.register(procedure.uri, checkedHandler(procedure, handler as Handler), options);
  }

  /**
   * Closes the session: GOODBYE, then waits for the router's GOODBYE (or the transport's
   * end) and closes the transport. Resolves when the session is closed.
   */
  close(reason: string = WampCloseReasons.normal, message?: string): Promise<void> {
    if (this.#goodbyeDone !== undefined) return this.#goodbyeDone;
    // A session reaches user code only once established (connect emits it at WELCOME), so
    // any other state here is 'closed': the session already ended, there is nothing to do.
    if (this.#state !== 'established') return (this.#goodbyeDone = Promise.resolve());
    this.#goodbyeDone = new Promise<void>((resolve) => (this.#goodbye = { resolve }));
    this.#state = 'closing';
    this.#sendFrame(createMessage('GOODBYE', { Details: message === undefined ? {} : { message }, Reason: reason }));
    return this.#goodbyeDone;
  }

  /** Sends a message as it is (Observer of outbound messages). Ignored once the session is closed. */
  next(message: WampMessage): void {
    if (this.#state !== 'closed') this.#sendFrame(message);
  }

  /** Ends the session with a failure: the transport is closed with `err` as reason. */
  error(err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    this.#end(new SessionClosedError(WampErrors.networkFailure, `the session was failed locally: ${text}`, err), false);
  }

  /** Ends the session cleanly with a GOODBYE exchange (same as {@link close}). */
  complete(): void {
    void this.close();
  }

  /** Entries held in the roles' internal maps: 0 when nothing is pending or live (leak checks). */
  internalSize(): number {
    let n = 0;
    for (const role of this.#roles) n += role.size();
    return n;
  }

  #context(): SessionContext {
    const self = this;
    return {
      send: (message) => self.#sendFrame(message),
      nextRequestId: () => self.#requests.next(),
      get isOpen() {
        return self.#state === 'established';
      },
      assertOpen: () => {
        if (self.#state === 'established') return;
        if (self.#state === 'closing' || self.#state === 'closed') throw new SessionClosedError(WampErrors.unavailable, `the session is ${self.#state}`);
        throw new SessionClosedError(WampErrors.unavailable, 'the session is not established yet');
      },
      requireFeature: (role, feature, what) => {
        if (self.#options.requireRouterFeatures !== false && !hasFeature(self.routerRoles, role, feature)) {
          throw featureNotAnnounced(role, feature, what);
        }
      },
      routerHas: (role: RoleName, feature: string) => hasFeature(self.routerRoles, role, feature),
      checkRequestIds: this.#options.checkRequestIds ?? this.#options.strict ?? false,
      stray: (what) => {
        if (this.#options.rejectStrayMessages ?? this.#options.strict ?? false) throw new ProtocolViolation(what);
      },
      payloads: new PayloadPassthru(this.#options.payloadCiphers),
    };
  }

  #start(lifecycle: Subscriber<WampSession>): void {
    this.#lifecycle = lifecycle;
    this.#incoming = this.#transport.incoming$.subscribe({
      next: (frame) => this.#onFrame(frame),
      complete: () => this.#end(new SessionClosedError(WampErrors.networkFailure, 'the connection closed'), this.#state === 'closing'),
      error: (err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        this.#end(new SessionClosedError(WampErrors.networkFailure, `the connection failed: ${text}`, err), false);
      },
    });
    if (this.#state === 'closed') return;
    const methods = this.#options.authmethods ?? [];
    const details: Dict = { roles: CLIENT_ROLES, agent: CLIENT_AGENT };
    if (methods.length > 0) details['authmethods'] = methods.map((m) => m.method);
    if (this.#options.authid !== undefined) details['authid'] = this.#options.authid;
    let authextra: Dict | undefined = this.#options.authextra;
    for (const method of methods) {
      const extra = method.helloExtra?.(this.#transport.tls);
      if (extra !== undefined) authextra = { ...authextra, ...extra };
    }
    if (authextra !== undefined) details['authextra'] = authextra;
    try {
      this.#sendFrame(createMessage('HELLO', { Realm: this.#options.realm, Details: details }));
    } catch (err) {
      this.#end(err instanceof Error ? err : new Error(String(err)), false);
    }
  }

  #sendFrame(message: WampMessage): void {
    const frame: Frame = this.#serializer.encode(message);
    const size = typeof frame === 'string' ? frame.length : frame.byteLength;
    if (size > this.#transport.maxOutgoingMessageSize) {
      throw new WampError(WampErrors.payloadSizeExceeded, [`${message.name} of ${size} bytes exceeds the peer's limit of ${this.#transport.maxOutgoingMessageSize}`]);
    }
    this.#transport.outgoing.next(frame);
  }

  #onFrame(frame: Frame): void {
    if (this.#state === 'closed') return;
    try {
      const message = this.#serializer.decode(frame);
      this.#inbound.next(message);
      this.#dispatch(message);
    } catch (err) {
      // Nothing from the network may throw out of the transport's stream.
      if (err instanceof ProtocolViolation) this.#violation(err);
      else this.#end(err instanceof Error ? err : new Error(String(err)), false);
    }
  }

  #dispatch(message: WampMessage): void {
    switch (message.code) {
      case 3: // ABORT, in any state; never answered
        return this.#end(wampErrorFrom(message), false);
      case 2:
      case 4:
        if (this.#state === 'establishing' || this.#state === 'authenticating') {
          return message.code === Codes.WELCOME ? this.#welcomed(message) : this.#challenged(message);
        }
        throw new ProtocolViolation(`${message.name} after the session was established`);
      case 6:
        return this.#goodbyeReceived(message);
      case 8:
      case 17:
      case 33:
      case 35:
      case 36:
      case 50:
      case 65:
      case 67:
      case 68:
      case 69:
        if (this.#state === 'establishing' || this.#state === 'authenticating') {
          throw new ProtocolViolation(`${message.name} before the session was established`);
        }
        return this.#roleFor(message).handle(message);
      default:
        throw new ProtocolViolation(`${message.name} is a message a router never sends to a client`);
    }
  }

  #roleFor(message: WampMessage): RoleHandler {
    switch (message.code) {
      case 17:
        return this.#publisher;
      case 33:
      case 35:
      case 36:
        return this.#subscriber;
      case 50:
        return this.#caller;
      case 8:
        switch (message.fields['REQUEST.Type']) {
          case 16:
            return this.#publisher;
          case 32:
          case 34:
            return this.#subscriber;
          case 48:
            return this.#caller;
          default:
            return this.#callee;
        }
      default:
        return this.#callee;
    }
  }

  #welcomed(message: Message<'WELCOME'>): void {
    this.#id = message.fields.Session;
    this.#welcome = message.fields.Details;
    this.#state = 'established';
    this.#lifecycle?.next(this);
  }

  #challenged(message: Message<'CHALLENGE'>): void {
    const name = message.fields.AuthMethod;
    const method = this.#options.authmethods?.find((m) => m.method === name);
    if (method === undefined) throw new ProtocolViolation(`CHALLENGE for authmethod ${name}, which the client did not offer`);
    this.#state = 'authenticating';
    method.respond(message.fields.Extra, this.#transport.tls).then(
      (response) => {
        if (this.#state !== 'authenticating') return;
        this.#sendFrame(createMessage('AUTHENTICATE', { Signature: response.signature, Extra: response.extra ?? {} }));
      },
      (err: unknown) => {
        if (this.#state !== 'authenticating') return;
        const text = `${name} could not answer the challenge: ${err instanceof Error ? err.message : String(err)}`;
        this.#abort(WampErrors.authenticationFailed, text, new WampError(WampErrors.authenticationFailed, [text], {}, { message: text }));
      },
    );
  }

  #goodbyeReceived(message: Message<'GOODBYE'>): void {
    if (this.#state === 'establishing' || this.#state === 'authenticating') throw new ProtocolViolation('GOODBYE before the session was established');
    const reason = message.fields.Reason;
    if (this.#state === 'established') {
      this.#state = 'closing'; // whatever arrives while the reply goes out is past the session's end
      this.#sendFrame(createMessage('GOODBYE', { Details: {}, Reason: WampCloseReasons.goodbyeAndOut }));
    }
    const text = typeof message.fields.Details['message'] === 'string' ? (message.fields.Details['message'] as string) : `the router closed the session (${reason})`;
    this.#end(new SessionClosedError(reason, text), true);
  }

  #violation(violation: ProtocolViolation): void {
    this.#abort(WampErrors.protocolViolation, violation.message, violation);
  }

  /** Sends ABORT and ends the session with `error`. */
  #abort(reason: string, message: string, error: Error): void {
    if (this.#state === 'closed') return;
    try {
      this.#sendFrame(createMessage('ABORT', { Details: { message }, Reason: reason }));
    } catch {
      // The ABORT is a courtesy; the transport is closed next regardless.
    }
    this.#end(error, false);
  }

  /** Ends the session: roles, messages$, the lifecycle Observable, the transport, once. */
  #end(error: Error, clean: boolean): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const role of this.#roles) role.end({ error, clean });
    if (clean) this.#inbound.complete();
    else this.#inbound.error(error);
    this.#closeTransport(clean ? undefined : error);
    this.#goodbye?.resolve();
    const lifecycle = this.#lifecycle;
    this.#lifecycle = undefined;
    if (clean) lifecycle?.complete();
    else lifecycle?.error(error);
  }

  #closeTransport(error: Error | undefined): void {
    const incoming = this.#incoming;
    this.#incoming = undefined;
    if (error === undefined || error instanceof SessionClosedError) this.#transport.outgoing.complete();
    else this.#transport.outgoing.error(error);
    incoming?.unsubscribe();
  }

  #dispose(): void {
    this.#lifecycle = undefined;
    this.#end(new SessionClosedError(WampErrors.networkFailure, 'the session was disposed'), false);
  }
}
