import { Codes } from '../protocol/message-table.js';
import type { Observable, Observer, Subscription as RxSubscription } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { isDict } from '../protocol/dict.js';
import { ProtocolViolation, WampCloseReasons, WampErrors } from '../protocol/errors.js';
import { hasFeature } from '../protocol/features.js';
import type { RoleName } from '../protocol/features.js';
import { createMessage } from '../protocol/message.js';
import type { Message, WampMessage } from '../protocol/message.js';
import { isValidUri } from '../protocol/uri.js';
import { decodeForwarding } from '../serialization/forwarding.js';
import type { Serializer } from '../serialization/serializer.js';
import type { Frame, Transport } from '../transport/transport.js';
import { TransportError } from '../transport/transport.js';
import type { AuthChallenge, AuthIdentity, AuthOutcome, AuthRefusal } from './auth/authenticator.js';
import { runAuthenticator, verifyChallenge } from './auth/resolve-outcome.js';
import { frameOctets, LimitErrors, nestedDeeperThan } from './limits.js';
import type { HardeningLimits } from './limits.js';
import type { Logger } from './logger.js';
import { OutboundBacklog } from './outbound-backlog.js';
import type { Realm } from './realm.js';
import type { RealmSession } from './realm-session.js';
import type { RouterStats } from './router-stats.js';
import { ROUTER_ROLES } from './router-roles.js';

/** Where a router session is in the spec's lifecycle. */
type SessionState = 'awaiting-hello' | 'authenticating' | 'challenged' | 'established' | 'closing' | 'closed';

/** What a router session needs from its router. */
export interface SessionHost {
  readonly logger: Logger;
  /** The realm for a HELLO, or undefined when it neither exists nor may be created. */
  realmFor(name: string): Realm | undefined;
  /** A fresh global session id. */
  newSessionId(): number;
  /** How long a GOODBYE the router sent waits for the peer's answer before the transport closes. */
  readonly goodbyeTimeoutMs: number;
  /** The limits every session is held to. */
  readonly limits: HardeningLimits;
  /** The session is gone (for the router's bookkeeping). */
  closed(session: RouterSession): void;
  /** The router's counters, unless it keeps none. */
  readonly stats: RouterStats | undefined;
}

/**
 * The router's side of one WAMP session over one transport: decodes frames, runs the
 * handshake (HELLO → [CHALLENGE ↔ AUTHENTICATE] → WELCOME, or ABORT), then hands each
 * message to its realm's pipeline; encodes what the realm sends back.
 */
export class RouterSession implements RealmSession {
  readonly id: number;
  readonly serializer: Serializer;
  readonly transport: Transport;
  realm = '';
  authid = '';
  authrole = '';
  authmethod = '';
  authprovider = '';
  authextra: Dict | undefined;
  roles: Dict = {};
  /** HELLO.Details as the client sent it, for the meta API. */
  helloDetails: Dict = {};
  /** When the session joined its realm (ISO 8601). */
  joined: string | undefined;
  readonly #host: SessionHost;
  #state: SessionState = 'awaiting-hello';
  #realm: Realm | undefined;
  #challenge: AuthChallenge | undefined;
  #pendingAuth: RxSubscription | undefined;
  #incoming: RxSubscription | undefined;
  #goodbyeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ends a session whose handshake takes longer than the router's limit; cleared once it is established. */
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  // Created on first use, as the two below: an idle session should cost little (BENCHMARKS.md, memory).
  #featureCache: Map<string, boolean> | undefined;
  /** Request ids of this session's CALLs that await their final RESULT or ERROR. */
  #pendingCalls: Set<number> | undefined;
  /** Messages written to the transport but not yet flushed to the network. */
  readonly #backlog = new OutboundBacklog();
  /** The largest message the peer gets: the router's limit, or the smaller one the transport negotiated. */
  readonly #maxOutgoing: number;
  readonly #stats: RouterStats | undefined;
  #ended: Promise<void> | undefined;
  #resolveEnded: (() => void) | undefined;

  constructor(transport: Transport, serializer: Serializer, host: SessionHost) {
    this.transport = transport;
    this.serializer = serializer;
    this.#host = host;
    this.id = host.newSessionId();
    this.#maxOutgoing = Math.min(host.limits.maxMessageSize, transport.maxOutgoingMessageSize);
    this.#stats = host.stats;
  }

  /** Where the session comes from, for the meta API. */
  get transportDetails(): Dict {
    return { peer: this.transport.peer, protocol: this.transport.protocol };
  }

  /** Settles when the session has ended, however it ended. */
  get ended(): Promise<void> {
    if (this.#ended === undefined) {
      if (this.#state === 'closed') this.#ended = Promise.resolve();
      else this.#ended = new Promise<void>((resolve) => (this.#resolveEnded = resolve));
    }
    return this.#ended;
  }

  /** Starts reading the transport, and the clock of the handshake (the router's `handshakeTimeoutMs`). */
  start(): void {
    this.#handshakeTimer = setTimeout(() => this.#handshakeExpired(), this.#host.limits.handshakeTimeoutMs);
    this.#incoming = this.transport.incoming$.subscribe(new TransportReader(this));
  }

  /** Handles one frame from the transport (called by the session's {@link TransportReader}). */
  receive(frame: Frame): void {
    this.#receive(frame);
  }

  /** The transport failed (called by the session's {@link TransportReader}). */
  transportFailed(error: unknown): void {
    const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'transport_error';
    this.#host.logger.log('warn', 'transport_failed', { session: this.id, peer: this.transport.peer, code, error: error instanceof Error ? error.message : String(error) });
    this.end(`transport.${code}`);
  }

  #handshakeExpired(): void {
    this.#handshakeTimer = undefined;
    if (this.#state !== 'awaiting-hello' && this.#state !== 'challenged' && this.#state !== 'authenticating') return;
    const limits = this.#host.limits;
    this.#stats?.limitHit(LimitErrors.handshakeTimeout);
    this.#host.logger.log('warn', 'limit_exceeded', { session: this.id, peer: this.transport.peer, limit: LimitErrors.handshakeTimeout, max: limits.handshakeTimeoutMs });
    this.abort(LimitErrors.handshakeTimeout, `no completed handshake within ${limits.handshakeTimeoutMs} ms`);
  }

  /** True until the session has left its realm. */
  get open(): boolean {
    return this.#state === 'established';
  }

  /** The session's state, for logs and specs. */
  get state(): SessionState {
    return this.#state;
  }

  supports(role: RoleName, feature: string): boolean {
    const key = role + ':' + feature;
    const cache = (this.#featureCache ??= new Map());
    let known = cache.get(key);
    if (known === undefined) cache.set(key, (known = hasFeature(this.roles, role, feature)));
    return known;
  }

  send(message: WampMessage): void {
    if (this.#state === 'closed') return;
    // A final RESULT or ERROR ends one of this session's calls.
    if (message.code === Codes.RESULT) {
      if (message.fields.Details['progress'] !== true) this.#pendingCalls?.delete(message.fields['CALL.Request']);
    } else if (message.code === Codes.ERROR && message.fields['REQUEST.Type'] === Codes.CALL) {
      this.#pendingCalls?.delete(message.fields['REQUEST.Request']);
    }
    let frame: Frame;
    try {
      frame = this.serializer.encode(message);
    } catch (error) {
      this.#host.logger.log('error', 'encode_failed', { session: this.id, type: message.name, error: error instanceof Error ? error.message : String(error) });
      if (message.code === Codes.INVOCATION) this.#refuseInvocation(message, WampErrors.invalidArgument, `the invocation cannot be carried in ${this.serializer.id}`);
      return;
    }
    if (this.#write(frame, message.name)) {
      if (this.#stats !== undefined) this.#stats.messagesOut[message.code]++;
      return;
    }
    if (message.code === Codes.WELCOME) {
      // A peer that cannot take the WELCOME cannot have a session.
      return this.abort(LimitErrors.maxMessageSize, `the WELCOME exceeds the largest message this peer accepts (${this.#maxOutgoing} octets)`);
    }
    if (message.code === Codes.INVOCATION) {
      return this.#refuseInvocation(message, WampErrors.payloadSizeExceeded, `the invocation exceeds the largest message the callee accepts (${this.#maxOutgoing} octets)`);
    }
    if (message.code === Codes.RESULT) {
      // The caller must not wait forever for a result it cannot receive.
      const request = message.fields['CALL.Request'];
      this.#pendingCalls?.delete(request);
      this.send(
        createMessage('ERROR', {
          'REQUEST.Type': Codes.CALL,
          'REQUEST.Request': request,
          Details: {},
          Error: WampErrors.payloadSizeExceeded,
          Arguments: [`the result exceeds the largest message this session accepts (${this.#maxOutgoing} octets)`],
        }),
      );
    }
  }

  /**
   * The callee cannot receive an invocation: answer it in the callee's place, so that the
   * dealer fails the call for its caller instead of leaving it waiting.
   */
  #refuseInvocation(invocation: Message<'INVOCATION'>, error: string, explanation: string): void {
    this.#realm?.receive(
      this,
      createMessage('ERROR', { 'REQUEST.Type': Codes.INVOCATION, 'REQUEST.Request': invocation.fields.Request, Details: {}, Error: error, Arguments: [explanation] }),
    );
  }

  sendFrame(frame: Frame): void {
    if (this.#state !== 'closed' && this.#write(frame, 'EVENT') && this.#stats !== undefined) this.#stats.messagesOut[Codes.EVENT]++;
  }

  abort(reason: string, message: string): void {
    if (this.#state === 'closed') return;
    this.#host.logger.log(reason === WampErrors.protocolViolation ? 'warn' : 'info', 'session_aborted', { session: this.id, realm: this.realm || undefined, reason, message });
    this.send(createMessage('ABORT', { Details: { message }, Reason: reason }));
    this.end(reason);
  }

  goodbye(reason: string, message?: string): void {
    if (this.#state !== 'established') {
      if (this.#state !== 'closing') this.abort(reason, message ?? 'the router is closing the session');
      return;
    }
    // Closing before sending: a peer on a synchronous transport answers at once.
    this.#state = 'closing';
    this.#leaveRealm(reason);
    this.send(createMessage('GOODBYE', { Details: message === undefined ? {} : { message }, Reason: reason }));
    // The peer should answer; a peer that does not still loses its transport. A peer on a
    // synchronous transport may have answered already, and then no timer is left behind.
    if (this.#state === 'closing') this.#goodbyeTimer = setTimeout(() => this.end(reason), this.#host.goodbyeTimeoutMs);
  }

  answerGoodbye(): void {
    if (this.#state === 'established') this.send(createMessage('GOODBYE', { Details: {}, Reason: WampCloseReasons.goodbyeAndOut }));
    this.end(WampCloseReasons.goodbyeAndOut);
  }

  end(reason: string, failure?: TransportError): void {
    if (this.#state === 'closed') return;
    // A session the router said GOODBYE to has left its realm already, but it had joined.
    const hadJoined = this.#realm !== undefined || this.#state === 'closing';
    this.#state = 'closed';
    clearTimeout(this.#goodbyeTimer);
    clearTimeout(this.#handshakeTimer);
    this.#pendingAuth?.unsubscribe();
    this.#leaveRealm(reason);
    this.#pendingCalls = undefined;
    this.#backlog.clear();
    if (failure === undefined) this.transport.outgoing.complete();
    else this.transport.outgoing.error(failure);
    this.#incoming?.unsubscribe();
    this.#host.closed(this);
    if (!hadJoined) this.#host.logger.log('debug', 'connection_closed', { session: this.id, peer: this.transport.peer, reason });
    this.#resolveEnded?.();
  }

  /**
   * Hands a frame to the transport unless it is too large for the peer; a peer that lets
   * more than `maxOutboundQueue` messages pile up unread is disconnected as a slow consumer.
   * Says whether the frame went out.
   */
  #write(frame: Frame, type: string): boolean {
    const limit = this.#maxOutgoing;
    const octets = frameOctets(frame, limit);
    if (octets > limit) {
      this.#host.logger.log('warn', 'limit_exceeded', { session: this.id, realm: this.realm || undefined, limit: 'maxMessageSize', direction: 'outbound', type, octets, max: limit });
      return false;
    }
    const transport = this.transport;
    try {
      transport.outgoing.next(frame);
    } catch (error) {
      // A transport refusing a frame concerns this frame only.
      this.#host.logger.log('warn', 'send_failed', { session: this.id, type, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
    const buffered = transport.bufferedAmount;
    if (buffered > 0 && this.#backlog.record(octets, buffered) > this.#host.limits.maxOutboundQueue && this.#state !== 'closed') {
      const queued = this.#backlog.size;
      if (this.#stats !== undefined) this.#stats.slowConsumerDisconnects++;
      this.#host.logger.log('warn', 'slow_consumer', { session: this.id, realm: this.realm || undefined, authid: this.authid || undefined, peer: transport.peer, queued, bufferedBytes: buffered, max: this.#host.limits.maxOutboundQueue });
      this.end(LimitErrors.maxOutboundQueue, new TransportError('slow_peer', `${transport.peer} is not reading: ${queued} messages queued, over the limit of ${this.#host.limits.maxOutboundQueue}`));
    } else if (buffered === 0) {
      this.#backlog.clear();
    }
    return true;
  }

  #leaveRealm(reason: string): void {
    const realm = this.#realm;
    if (realm === undefined) return;
    this.#realm = undefined;
    this.#host.logger.log('info', 'session_left', { session: this.id, realm: this.realm, authid: this.authid, reason });
    realm.leave(this, reason);
  }

  #receive(frame: Frame): void {
    const limits = this.#host.limits;
    if (frameOctets(frame, limits.maxMessageSize) > limits.maxMessageSize) {
      return this.#limitHit(LimitErrors.maxMessageSize, `a message exceeds the limit of ${limits.maxMessageSize} octets`);
    }
    let message: WampMessage;
    try {
      // Large Arguments stay encoded: forwarded to peers of the same serialization unopened.
      message = decodeForwarding(this.serializer, frame);
    } catch (error) {
      const reason = error instanceof ProtocolViolation ? error.message : 'undecodable message';
      return this.abort(WampErrors.protocolViolation, reason);
    }
    if (this.#stats !== undefined) this.#stats.messagesIn[message.code]++;
    const fields = message.fields as Record<string, unknown>;
    for (const key in fields) {
      if (nestedDeeperThan(fields[key], limits.maxPayloadDepth)) {
        return this.#limitHit(LimitErrors.maxPayloadDepth, `${message.name} nests arrays and objects deeper than the limit of ${limits.maxPayloadDepth}`);
      }
    }
    switch (this.#state) {
      case 'established':
        if (this.#overQuota(message)) return;
        return this.#realm!.receive(this, message);
      case 'awaiting-hello':
        return message.code === Codes.HELLO ? this.#hello(message) : this.abort(WampErrors.protocolViolation, `expected HELLO, got ${message.name}`);
      case 'challenged':
        if (message.code === Codes.AUTHENTICATE) return this.#authenticate(message);
        if (message.code === Codes.ABORT) return this.end('wamp.close.aborted_by_peer');
        return this.abort(WampErrors.protocolViolation, `expected AUTHENTICATE, got ${message.name}`);
      case 'authenticating':
        if (message.code === Codes.ABORT) return this.end('wamp.close.aborted_by_peer');
        return this.abort(WampErrors.protocolViolation, `${message.name} received before the session was established`);
      case 'closing':
        // Waiting for the answer to our GOODBYE; everything else is dropped.
        if (message.code === Codes.GOODBYE || message.code === Codes.ABORT) this.end(WampCloseReasons.goodbyeAndOut);
        return;
      case 'closed':
        return;
    }
  }

  /** A limit ends the session: ABORT naming the limit, and a log line saying which. */
  #limitHit(reason: string, message: string): void {
    this.#stats?.limitHit(reason);
    this.#host.logger.log('warn', 'limit_exceeded', { session: this.id, realm: this.realm || undefined, peer: this.transport.peer, limit: reason });
    this.abort(reason, message);
  }

  /**
   * Checks the per-session quotas before a message enters the realm: a SUBSCRIBE, REGISTER
   * or CALL past its limit gets an ERROR naming the limit and goes no further.
   */
  #overQuota(message: WampMessage): boolean {
    const limits = this.#host.limits;
    const realm = this.#realm!;
    switch (message.code) {
      case 48: {
        const request = message.fields.Request;
        const pending = (this.#pendingCalls ??= new Set());
        // A further CALL of a progressive call invocation, or a reused id the dealer refuses.
        if (pending.has(request)) return false;
        if (pending.size >= limits.maxPendingCallsPerSession) {
          return this.#refuse(48, request, LimitErrors.maxPendingCallsPerSession, `this session already has ${pending.size} calls pending, the limit`);
        }
        pending.add(request);
        return false;
      }
      case 32: {
        const mine = realm.subscriptions.ofSession(this);
        if (mine.size < limits.maxSubscriptionsPerSession) return false;
        const match = message.fields.Options['match'] ?? 'exact';
        if ((match === 'exact' || match === 'prefix' || match === 'wildcard') && realm.subscriptions.lookup(message.fields.Topic, match)?.subscribers.has(this)) return false;
        return this.#refuse(32, message.fields.Request, LimitErrors.maxSubscriptionsPerSession, `this session already holds ${mine.size} subscriptions, the limit`);
      }
      case 64: {
        const mine = realm.registrations.ofSession(this);
        if (mine.size < limits.maxRegistrationsPerSession) return false;
        return this.#refuse(64, message.fields.Request, LimitErrors.maxRegistrationsPerSession, `this session already holds ${mine.size} registrations, the limit`);
      }
      default:
        return false;
    }
  }

  /** Answers a request with an ERROR naming the limit it hit. */
  #refuse(type: number, request: number, uri: string, text: string): true {
    this.#stats?.limitHit(uri);
    this.#host.logger.log('info', 'limit_exceeded', { session: this.id, realm: this.realm, limit: uri });
    this.send(createMessage('ERROR', { 'REQUEST.Type': type, 'REQUEST.Request': request, Details: { message: text }, Error: uri, Arguments: [text] }));
    return true;
  }

  #hello(message: Message<'HELLO'>): void {
    const { Realm: realmName, Details: details } = message.fields;
    if (!isValidUri(realmName)) return this.abort(WampErrors.invalidUri, `invalid realm URI '${realmName}'`);
    if (!isDict(details['roles']) || Object.keys(details['roles']).length === 0) {
      return this.abort(WampErrors.protocolViolation, 'HELLO.Details.roles must announce at least one client role');
    }
    const realm = this.#host.realmFor(realmName);
    if (realm === undefined) return this.abort(WampErrors.noSuchRealm, `no realm '${realmName}' on this router`);
    this.realm = realmName;
    this.roles = details['roles'];
    this.helloDetails = details;
    const authmethods = Array.isArray(details['authmethods']) && details['authmethods'].every((m) => typeof m === 'string')
      ? (details['authmethods'] as string[])
      : ['anonymous'];
    this.#state = 'authenticating';
    this.#awaitDecision(runAuthenticator(realm.authenticator, {
      realm: realmName,
      sessionId: this.id,
      authid: typeof details['authid'] === 'string' ? details['authid'] : undefined,
      authmethods,
      authextra: isDict(details['authextra']) ? details['authextra'] : {},
      peer: this.transport.peer,
      tls: this.transport.tls,
    }), realm);
  }

  /** Waits for an authentication outcome; the subscription is kept only while it is pending. */
  #awaitDecision(outcome$: Observable<AuthOutcome>, realm: Realm): void {
    const pending = outcome$.subscribe((outcome) => {
      this.#pendingAuth = undefined;
      this.#decided(realm, outcome);
    });
    if (pending.closed) return;
    // Still waiting: keep it, to cancel it if the session ends first. An outcome that came
    // synchronously has been handled: nothing more is wanted from it.
    if (this.#state === 'authenticating') this.#pendingAuth = pending;
    else pending.unsubscribe();
  }

  #authenticate(message: Message<'AUTHENTICATE'>): void {
    const challenge = this.#challenge!;
    const realm = this.#host.realmFor(this.realm);
    this.#challenge = undefined;
    this.#state = 'authenticating';
    if (realm === undefined) return this.abort(WampErrors.noSuchRealm, `realm '${this.realm}' is gone`);
    this.#awaitDecision(verifyChallenge(challenge, message.fields.Signature, message.fields.Extra), realm);
  }

  #decided(realm: Realm, outcome: AuthOutcome): void {
    if (this.#state !== 'authenticating') return;
    if ((outcome as AuthRefusal).refused === true) {
      const refusal = outcome as AuthRefusal;
      if (this.#stats !== undefined) this.#stats.authFailures++;
      this.#host.logger.log('info', 'auth_failed', { session: this.id, realm: this.realm, peer: this.transport.peer, reason: refusal.reason });
      return this.abort(refusal.reason, refusal.message);
    }
    if (typeof (outcome as AuthChallenge).verify === 'function') {
      const challenge = outcome as AuthChallenge;
      this.#challenge = challenge;
      this.#state = 'challenged';
      this.send(createMessage('CHALLENGE', { AuthMethod: challenge.method, Extra: challenge.extra }));
      return;
    }
    this.#welcome(realm, outcome as AuthIdentity);
  }

  #welcome(realm: Realm, identity: AuthIdentity): void {
    const refusal = realm.admit(this);
    if (refusal !== undefined) {
      this.#stats?.limitHit(refusal.reason);
      return this.abort(refusal.reason, refusal.message);
    }
    this.joined = new Date().toISOString();
    this.authid = identity.authid;
    this.authrole = identity.authrole;
    this.authmethod = identity.authmethod;
    this.authprovider = identity.authprovider;
    this.authextra = identity.authextra;
    const details: Dict = {
      realm: realm.name,
      authid: identity.authid,
      authrole: identity.authrole,
      authmethod: identity.authmethod,
      authprovider: identity.authprovider,
      roles: ROUTER_ROLES,
    };
    if (identity.authextra !== undefined) details['authextra'] = identity.authextra;
    this.#state = 'established';
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    this.#realm = realm;
    this.send(createMessage('WELCOME', { Session: this.id, Details: details }));
    if (this.#state !== 'established') return; // the WELCOME could not be sent: aborted
    this.#host.logger.log('info', 'session_joined', { session: this.id, realm: realm.name, authid: this.authid, authrole: this.authrole, authmethod: this.authmethod, peer: this.transport.peer });
    realm.join(this);
  }
}

/**
 * Hands a session's incoming frames to it: one small object per session, where an observer
 * literal would hold three closures (what an idle session costs, BENCHMARKS.md).
 */
class TransportReader implements Observer<Frame> {
  readonly #session: RouterSession;

  constructor(session: RouterSession) {
    this.#session = session;
  }

  next(frame: Frame): void {
    this.#session.receive(frame);
  }

  error(error: unknown): void {
    this.#session.transportFailed(error);
  }

  complete(): void {
    this.#session.end('transport.closed');
  }
}
