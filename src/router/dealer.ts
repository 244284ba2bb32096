import { asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { WampErrors } from '../protocol/errors.js';
import { Codes } from '../protocol/message-table.js';
import { IdSequence } from '../protocol/ids.js';
import { createMessage } from '../protocol/message.js';
import type { Message } from '../protocol/message.js';
import { copyPptKeys } from '../protocol/ppt-keys.js';
import { isReservedUri, isValidPattern, isValidUri } from '../protocol/uri.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { ClusterInput, ClusterRegistration, RealmLink, RegisterOutcome, SessionInfo } from './cluster.js';
import type { Logger } from './logger.js';
import type { RealmSession } from './realm-session.js';
import { pickCallee } from './registration-store.js';
import type { Callee, InvocationPolicy, Registration, RegistrationStore } from './registration-store.js';
import { errorReply, explainedError } from './replies.js';
import type { Routed } from './routed.js';
import type { CallOutcome, RealmStats } from './router-stats.js';
import { turnNow } from './turn-clock.js';
import { stage } from './stage.js';
import type { Emit } from './stage.js';

/** What the dealer needs from its realm. */
export interface DealerContext {
  readonly registrations: RegistrationStore;
  readonly logger: Logger;
  /** Runs call timeouts (a TestScheduler in marble specs; asyncScheduler by default). */
  readonly scheduler?: SchedulerLike;
  /** Counts calls by outcome and their durations (absent: nothing is counted). */
  readonly stats?: RealmStats;
  /** The cluster, when this router is a node of one: registrations and calls span the nodes. */
  readonly cluster?: RealmLink | undefined;
  /** Runs a message again once `wait` settles. */
  readonly defer?: (wait: Promise<void>, routed: Routed) => void;
  /** Runs a message through the realm's pipeline later (the cluster's answer to a REGISTER). */
  readonly inject?: (routed: Routed) => void;
  /** Where the dealer notes the calls of remote callers it serves (`caller:request`), for probes. */
  readonly servingRemote?: Set<string>;
  /** The session a cluster description names (local, or a stand-in), undefined when it is gone. */
  readonly sessionFor?: (info: SessionInfo) => RealmSession | undefined;
  /** Handed the dealer's live state each time the stage starts (for inspection by specs and tools). */
  readonly onState?: (state: DealerState) => void;
}

/** What the dealer is holding right now. */
export interface DealerState {
  /** Calls between CALL and their final RESULT or ERROR: zero when no call is in flight. */
  readonly pendingCount: number;
  /** Invocations sent to callees and not yet answered, canceled or timed out (as the callees' side sees them). */
  readonly invocationCount: number;
  /** Callers the dealer holds pending calls for: zero when no call is in flight (no state left behind). */
  readonly callerCount: number;
}

/** A call between CALL and its final RESULT or ERROR. */
interface PendingCall {
  readonly caller: RealmSession;
  readonly request: number;
  readonly callee: RealmSession;
  readonly invocation: number;
  /** The registration the call went to (progressive invocations reuse it). */
  readonly registration: number;
  /** The caller asked for progressive results: relay the callee's progressive YIELDs (announced or not). */
  readonly callerTakesProgress: boolean;
  /** The turn clock at the CALL (see turn-clock.ts), when calls are timed. */
  readonly started: number | undefined;
  /** The caller is still sending progressive CALLs (progressive call invocations). */
  invocationsOpen: boolean;
  timer: Subscription | undefined;
  /** The callee is on another node: that node's dealer invokes it and answers here. */
  readonly remote: boolean;
  /** When a remote call was forwarded (ms since the epoch), for probing calls that take long. */
  readonly sentAt?: number;
}

/** A remote call unanswered this long is probed: does its callee's node still serve it? */
const PROBE_AFTER_MS = 2_000;

/** Invocations a callee has been sent, by INVOCATION.Request. */
interface CalleeCalls {
  readonly pending: Map<number, PendingCall>;
  /** Router-to-callee request ids are a session-scope sequence. */
  readonly ids: IdSequence;
}

/** The meta-API description of a registration (`wamp.registration.get`). */
export function describeRegistration(r: Registration): Dict {
  return { id: r.id, created: r.created, uri: r.procedure, match: r.match, invoke: r.invoke };
}

/**
 * The dealer stage: REGISTER, UNREGISTER, CALL → INVOCATION, YIELD → RESULT, callee ERRORs,
 * with progressive results and invocations, canceling, timeouts, caller identification,
 * pattern-based and shared registrations. CALLs of `wamp.*` procedures that nobody
 * registered pass on to the meta stage; everything else that is not the dealer's passes through.
 */
export function dealer(context: DealerContext): MonoTypeOperatorFunction<Routed> {
  return stage('dealer', context.logger, (emit) => {
    const logic = new DealerLogic(context, emit);
    context.onState?.(logic);
    return logic;
  });
}

class DealerLogic implements DealerState {
  readonly #store: RegistrationStore;
  readonly #emit: Emit;
  readonly #byCaller = new Map<RealmSession, Map<number, PendingCall>>();
  readonly #byCallee = new Map<RealmSession, CalleeCalls>();
  readonly #scheduler: SchedulerLike;
  readonly #stats: RealmStats | undefined;
  readonly #context: DealerContext;
  readonly #cluster: RealmLink | undefined;
  /** Calls waiting for a callee on another node, by its stand-in. */
  readonly #remoteByCallee = new Map<RealmSession, Set<PendingCall>>();
  /** CALLs that found no registration and looked again after a cluster sync. */
  readonly #retried = new WeakSet<Routed>();
  /** The periodic probe of long-unanswered remote calls, while there are any. */
  #prober: Subscription | undefined;

  constructor(context: DealerContext, emit: Emit) {
    this.#store = context.registrations;
    this.#stats = context.stats;
    this.#scheduler = context.scheduler ?? asyncScheduler;
    this.#emit = emit;
    this.#context = context;
    this.#cluster = context.cluster;
  }

  /** Pending calls (counted by caller): zero when no call is in flight. */
  get pendingCount(): number {
    let n = 0;
    for (const calls of this.#byCaller.values()) n += calls.size;
    return n;
  }

  get callerCount(): number {
    return this.#byCaller.size;
  }

  get invocationCount(): number {
    let n = 0;
    for (const calls of this.#byCallee.values()) n += calls.pending.size;
    return n;
  }

  handle(routed: Routed): void {
    if (routed.kind === 'in') {
      const message = routed.message;
      switch (message.code) {
        case Codes.CALL:
          return this.#call(routed.session, message, routed);
        case Codes.YIELD:
          return this.#yield(routed.session, message);
        case Codes.ERROR:
          if (message.fields['REQUEST.Type'] === Codes.INVOCATION) return this.#calleeError(routed.session, message);
          break;
        case Codes.CANCEL:
          return this.#cancel(routed.session, message);
        case Codes.REGISTER:
          return this.#register(routed.session, message);
        case Codes.UNREGISTER:
          return this.#unregister(routed.session, message);
      }
    } else if (routed.kind === 'left') {
      this.#forget(routed.session);
    } else if (routed.kind === 'cluster') {
      return this.#fromCluster(routed.input, routed.session, routed);
    }
    this.#emit(routed);
  }

  #fromCluster(input: ClusterInput, session: RealmSession | undefined, routed: Routed): void {
    switch (input.type) {
      case 'registration':
        return this.#mirror(input.procedure, input.match, input.registration);
      case 'registered':
        return this.#registered(input.session, input.request, input.outcome);
      case 'call':
        if (input.message.code === Codes.CANCEL) return this.#cancel(session!, input.message);
        return this.#remoteCall(session!, input.message, input.registration, input.callee);
      case 'reply':
        return this.#reply(session!, input.message);
      case 'probed':
        input.calls.forEach(([caller, request], i) => {
          if (input.serving[i] === true) return;
          for (const [session, calls] of this.#byCaller) {
            if (session.id !== caller) continue;
            const call = calls.get(request);
            if (call?.remote === true) this.#fail(call, WampErrors.canceled, `the call was lost on its way to node '${call.callee.node ?? ''}'`);
          }
        });
        return;
      case 'link-down':
        for (const calls of [...this.#remoteByCallee.values()]) {
          for (const call of [...calls]) this.#fail(call, WampErrors.canceled, 'the cluster link is down');
        }
        return;
      case 'revoked': {
        const registration = this.#store.byId(input.registration);
        const callee = registration?.callees.find((c) => c.session.id === input.session && c.session.node === undefined);
        if (registration === undefined || callee === undefined) return;
        if (callee.session.supports('callee', 'registration_revocation')) {
          this.#emit({ kind: 'out', session: callee.session, message: createMessage('UNREGISTERED', { 'UNREGISTER.Request': 0, Details: { registration: registration.id, reason: 'wamp.error.procedure_already_exists' } }) });
        }
        return this.#remove(callee.session, registration);
      }
    }
    this.#emit(routed);
  }

  /** A registration of the cluster changed: the store mirrors it. */
  #mirror(procedure: string, match: MatchPolicy, registration: ClusterRegistration | undefined): void {
    const sessionFor = this.#context.sessionFor!;
    const callees = (registration?.callees ?? []).flatMap((c) => {
      const session = sessionFor(c.session);
      return session !== undefined && session.open ? [{ session, discloseCaller: c.discloseCaller }] : [];
    });
    if (registration === undefined) return this.#store.mirror(procedure, match, 0, 'single', '', []);
    this.#store.mirror(procedure, match, registration.id, registration.invoke, registration.created, callees);
  }

  /** The cluster answered a REGISTER. */
  #registered(session: RealmSession, request: number, outcome: RegisterOutcome): void {
    if (!outcome.ok) return this.#emit(explainedError(session, Codes.REGISTER, request, outcome.error, outcome.message));
    const { procedure, match } = outcome.registration;
    if (!session.open) return this.#cluster!.unregister(session, procedure, match);
    this.#mirror(procedure, match, outcome.registration);
    const registration = this.#store.lookup(procedure, match);
    if (registration === undefined) return this.#emit(explainedError(session, Codes.REGISTER, request, WampErrors.procedureAlreadyExists, `'${procedure}' changed while registering`));
    this.#emit({ kind: 'out', session, message: createMessage('REGISTERED', { 'REGISTER.Request': request, Registration: registration.id }) });
    if (outcome.registration.callees.length === 1) this.#emit({ kind: 'meta', topic: 'wamp.registration.on_create', args: [session.id, describeRegistration(registration)], session });
    this.#emit({ kind: 'meta', topic: 'wamp.registration.on_register', args: [session.id, registration.id], session });
  }

  /** A CALL of a caller on another node, for the callee its node picked here. */
  #remoteCall(caller: RealmSession, message: Message<'CALL'>, registrationId: number, calleeId: number): void {
    const pending = this.#byCaller.get(caller)?.get(message.fields.Request);
    if (pending !== undefined) return this.#continueCall(pending, message);
    const registration = this.#store.byId(registrationId);
    const callee = registration?.callees.find((c) => c.session.id === calleeId && c.session.node === undefined);
    if (registration === undefined || callee === undefined) {
      return this.#emit(explainedError(caller, Codes.CALL, message.fields.Request, WampErrors.noSuchProcedure, `the callee of '${message.fields.Procedure}' is no longer registered`));
    }
    // The caller's node enforces the timeout.
    this.#invoke(caller, message, registration, callee, false);
  }

  /** A RESULT or ERROR from another node for a local caller. */
  #reply(caller: RealmSession, message: Message<'RESULT'> | Message<'ERROR'>): void {
    const request = message.code === Codes.RESULT ? message.fields['CALL.Request'] : message.fields['REQUEST.Request'];
    const call = this.#byCaller.get(caller)?.get(request);
    if (call === undefined || !call.remote) return;
    if (message.code === Codes.RESULT && message.isProgress()) {
      if (call.callerTakesProgress) this.#emit({ kind: 'out', session: caller, message });
      return;
    }
    this.#finish(call, message.code === Codes.RESULT ? 'result' : 'error');
    this.#emit({ kind: 'out', session: caller, message });
  }

  /** Ends a call waiting on another node with an error for its caller. */
  #fail(call: PendingCall, error: string, why: string): void {
    this.#finish(call, error === WampErrors.canceled ? 'canceled' : error === WampErrors.timeout ? 'timeout' : 'error');
    this.#emit(errorReply(call.caller, Codes.CALL, call.request, error, [why]));
  }

  teardown(): void {
    for (const calls of this.#byCaller.values()) for (const call of calls.values()) call.timer?.unsubscribe();
    this.#byCaller.clear();
    this.#remoteByCallee.clear();
    this.#prober?.unsubscribe();
    this.#byCallee.clear();
  }

  #register(session: RealmSession, message: Message<'REGISTER'>): void {
    const { Request: request, Options: options, Procedure: procedure } = message.fields;
    const match = (options['match'] as MatchPolicy | undefined) ?? 'exact';
    const invoke = (options['invoke'] as InvocationPolicy | undefined) ?? 'single';
    if (!isValidPattern(procedure, match)) {
      return this.#emit(explainedError(session, Codes.REGISTER, request, WampErrors.invalidUri, `invalid ${match} procedure pattern '${procedure}'`));
    }
    if (isReservedUri(procedure)) {
      return this.#emit(explainedError(session, Codes.REGISTER, request, WampErrors.invalidUri, `procedure '${procedure}' is in the reserved wamp. namespace`));
    }
    const existing = this.#store.lookup(procedure, match);
    if (existing !== undefined) {
      if (existing.callees.some((c) => c.session === session)) {
        return this.#emit(explainedError(session, Codes.REGISTER, request, WampErrors.procedureAlreadyExists, `this session has already registered '${procedure}'`));
      }
      if (existing.invoke === 'single' || existing.invoke !== invoke) {
        const why = existing.invoke === invoke ? `'${procedure}' is already registered` : `'${procedure}' is registered with invocation policy '${existing.invoke}', not '${invoke}'`;
        return this.#emit(explainedError(session, Codes.REGISTER, request, WampErrors.procedureAlreadyExists, why));
      }
    }
    if (this.#cluster !== undefined) {
      // The cluster decides (an atomic create for a single registration); REGISTERED waits for it.
      const inject = this.#context.inject!;
      const answer = (outcome: RegisterOutcome): void => inject({ kind: 'cluster', input: { type: 'registered', session, request, outcome }, session });
      this.#cluster
        .register(session, procedure, match, invoke, options['disclose_caller'] === true, existing?.id ?? this.#store.freshId())
        .then(answer, (error: unknown) => answer({ ok: false, error: WampErrors.runtimeError, message: `the cluster could not register '${procedure}': ${error instanceof Error ? error.message : String(error)}` }));
      return;
    }
    const { registration, created } = this.#store.add({ session, discloseCaller: options['disclose_caller'] === true }, procedure, match, invoke);
    this.#emit({ kind: 'out', session, message: createMessage('REGISTERED', { 'REGISTER.Request': request, Registration: registration.id }) });
    if (created) this.#emit({ kind: 'meta', topic: 'wamp.registration.on_create', args: [session.id, describeRegistration(registration)], session });
    this.#emit({ kind: 'meta', topic: 'wamp.registration.on_register', args: [session.id, registration.id], session });
  }

  #unregister(session: RealmSession, message: Message<'UNREGISTER'>): void {
    const { Request: request, Registration: id } = message.fields;
    const registration = this.#store.byId(id);
    if (registration === undefined || !registration.callees.some((c) => c.session === session)) {
      return this.#emit(explainedError(session, Codes.UNREGISTER, request, WampErrors.noSuchRegistration, `no registration ${id} for this session`));
    }
    this.#emit({ kind: 'out', session, message: createMessage('UNREGISTERED', { 'UNREGISTER.Request': request }) });
    this.#remove(session, registration);
  }

  /** Removes one callee from a registration (UNREGISTER, revocation, or the callee leaving). */
  #remove(session: RealmSession, registration: Registration): void {
    const { deleted } = this.#store.remove(session, registration);
    if (session.node === undefined) this.#cluster?.unregister(session, registration.procedure, registration.match);
    this.#emit({ kind: 'meta', topic: 'wamp.registration.on_unregister', args: [session.id, registration.id], session });
    if (deleted) this.#emit({ kind: 'meta', topic: 'wamp.registration.on_delete', args: [session.id, registration.id], session });
  }

  #call(caller: RealmSession, message: Message<'CALL'>, routed: Routed): void {
    const { Request: request, Options: options, Procedure: procedure } = message.fields;
    let calls = this.#byCaller.get(caller);
    const pending = calls?.get(request);
    if (pending !== undefined) return this.#continueCall(pending, message);
    if (!isValidUri(procedure)) {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.invalidUri, `invalid procedure URI '${procedure}'`));
    }
    const registration = this.#store.best(procedure);
    if (registration === undefined) {
      // The router's own procedures (meta API) are the meta stage's.
      if (isReservedUri(procedure)) return this.#emit(routed);
      // A registration just made on another node may still be on its way: look once more after a sync.
      if (this.#cluster?.ready === true && this.#context.defer !== undefined && !this.#retried.has(routed)) {
        this.#retried.add(routed);
        return this.#context.defer(this.#cluster.sync(), routed);
      }
      if (this.#stats !== undefined) this.#stats.calls.no_such_procedure++;
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.noSuchProcedure, `no callee registered procedure '${procedure}'`));
    }
    if (options['ppt_scheme'] !== undefined && !caller.supports('caller', 'payload_passthru_mode')) {
      return caller.abort(WampErrors.protocolViolation, 'CALL in payload passthru mode from a caller that did not announce payload_passthru_mode');
    }
    this.#invoke(caller, message, registration, pickCallee(registration)!, true);
  }

  /** Sends the INVOCATION of a new call to its callee (or the CALL on to the callee's node). */
  #invoke(caller: RealmSession, message: Message<'CALL'>, registration: Registration, callee: Callee, withTimeout: boolean): void {
    const { Request: request, Options: options, Procedure: procedure } = message.fields;
    let calls = this.#byCaller.get(caller);
    const calleeSession = callee.session;
    const progressiveInvocation = message.isProgress();
    if (options['ppt_scheme'] !== undefined && !calleeSession.supports('callee', 'payload_passthru_mode')) {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.featureNotSupported, `the callee of '${procedure}' does not support payload passthru mode`));
    }
    if (progressiveInvocation && !calleeSession.supports('callee', 'progressive_call_invocations')) {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.featureNotSupported, `the callee of '${procedure}' does not support progressive call invocations`));
    }
    if (calleeSession.node !== undefined) return this.#forward(caller, message, registration, calleeSession, calls);
    let calleeCalls = this.#byCallee.get(calleeSession);
    if (calleeCalls === undefined) this.#byCallee.set(calleeSession, (calleeCalls = { pending: new Map(), ids: new IdSequence() }));
    const invocation = calleeCalls.ids.next();
    const callerTakesProgress = message.callerCanReceiveProgress();
    // Only a callee that announced the feature is told; one that sends progress without announcing
    // it (Wampy.js announces it as caller only) is relayed all the same, as Nexus does.
    const receiveProgress = callerTakesProgress && calleeSession.supports('callee', 'progressive_call_results');
    const call: PendingCall = { caller, request, callee: calleeSession, invocation, registration: registration.id, callerTakesProgress, started: this.#stats === undefined ? undefined : turnNow(), invocationsOpen: progressiveInvocation, timer: undefined, remote: false };
    if (calls === undefined) this.#byCaller.set(caller, (calls = new Map()));
    calls.set(request, call);
    calleeCalls.pending.set(invocation, call);
    if (caller.node !== undefined) this.#context.servingRemote?.add(`${caller.id}:${request}`);

    const details: Dict = {};
    if (registration.match !== 'exact') details['procedure'] = procedure;
    if (receiveProgress) details['receive_progress'] = true;
    if (progressiveInvocation) details['progress'] = true;
    if (options['disclose_me'] === true || callee.discloseCaller) {
      details['caller'] = caller.id;
      details['caller_authid'] = caller.authid;
      details['caller_authrole'] = caller.authrole;
    }
    copyPptKeys(options, details);
    if (withTimeout) this.#startTimer(call, options);
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    this.#emit({
      kind: 'out',
      session: calleeSession,
      message: createMessage('INVOCATION', { Request: invocation, Registration: registration.id, Details: details, Arguments: args, ArgumentsKw: kwargs }, message.payload),
    });
  }

  #startTimer(call: PendingCall, options: Dict): void {
    const timeout = options['timeout'];
    if (typeof timeout === 'number' && timeout > 0) {
      call.timer = this.#scheduler.schedule(() => this.#timeout(call), timeout);
    }
  }

  /** A call to a callee on another node: its node invokes it; this node keeps the call for timeout, cancel and failure. */
  #forward(caller: RealmSession, message: Message<'CALL'>, registration: Registration, callee: RealmSession, calls: Map<number, PendingCall> | undefined): void {
    const request = message.fields.Request;
    const sent = this.#cluster!.forward(callee.node!, caller, message, registration.id, callee.id);
    if (sent === 'too-large') {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.payloadSizeExceeded, `the call exceeds the largest message NATS carries to the callee's node`));
    }
    if (sent === 'down') {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.unavailable, `the callee of '${message.fields.Procedure}' is on node '${callee.node!}', and the cluster link is down`));
    }
    const call: PendingCall = { caller, request, callee, invocation: 0, registration: registration.id, callerTakesProgress: message.callerCanReceiveProgress(), started: this.#stats === undefined ? undefined : turnNow(), invocationsOpen: message.isProgress(), timer: undefined, remote: true, sentAt: Date.now() };
    if (calls === undefined) this.#byCaller.set(caller, (calls = new Map()));
    calls.set(request, call);
    let remote = this.#remoteByCallee.get(callee);
    if (remote === undefined) this.#remoteByCallee.set(callee, (remote = new Set()));
    remote.add(call);
    this.#startTimer(call, message.fields.Options);
    this.#armProber();
  }

  #armProber(): void {
    if (this.#prober !== undefined) return;
    this.#prober = this.#scheduler.schedule(() => {
      this.#prober = undefined;
      this.#probe();
      if (this.#remoteByCallee.size > 0) this.#armProber();
    }, PROBE_AFTER_MS);
  }

  /** Asks the callees' nodes about remote calls unanswered for a while; those NATS lost fail. */
  #probe(): void {
    const before = Date.now() - PROBE_AFTER_MS;
    const byNode = new Map<string, Array<readonly [number, number]>>();
    for (const calls of this.#remoteByCallee.values()) {
      for (const call of calls) {
        if ((call.sentAt ?? 0) > before) continue;
        const node = call.callee.node!;
        let asked = byNode.get(node);
        if (asked === undefined) byNode.set(node, (asked = []));
        asked.push([call.caller.id, call.request]);
      }
    }
    const inject = this.#context.inject!;
    for (const [node, calls] of byNode) {
      void this.#cluster!.probe(node, calls).then((serving) => inject({ kind: 'cluster', input: { type: 'probed', calls, serving }, session: undefined }));
    }
  }

  /** A further CALL with the request id of an open progressive call invocation. */
  #continueCall(call: PendingCall, message: Message<'CALL'>): void {
    if (!call.invocationsOpen) {
      return call.caller.abort(WampErrors.protocolViolation, `CALL request id ${call.request} is already in use by a pending call`);
    }
    const progress = message.isProgress();
    call.invocationsOpen = progress;
    if (call.remote) {
      const sent = this.#cluster!.forward(call.callee.node!, call.caller, message, call.registration, call.callee.id);
      if (sent !== 'sent') this.#fail(call, sent === 'down' ? WampErrors.canceled : WampErrors.payloadSizeExceeded, sent === 'down' ? 'the cluster link is down' : 'a part of the call exceeds the largest message NATS carries');
      return;
    }
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    const details: Dict = progress ? { progress: true } : {};
    copyPptKeys(message.fields.Options, details);
    this.#emit({
      kind: 'out',
      session: call.callee,
      message: createMessage('INVOCATION', { Request: call.invocation, Registration: call.registration, Details: details, Arguments: args, ArgumentsKw: kwargs }, message.payload),
    });
  }

  /** Finds the pending call an answer of a callee refers to; a never-issued id is a protocol violation. */
  #pendingFor(callee: RealmSession, invocation: number, what: string): PendingCall | undefined {
    const calleeCalls = this.#byCallee.get(callee);
    const call = calleeCalls?.pending.get(invocation);
    if (call !== undefined) return call;
    if (calleeCalls === undefined || invocation > calleeCalls.ids.last) {
      callee.abort(WampErrors.protocolViolation, `${what} for INVOCATION.Request ${invocation}, which the router never sent`);
    }
    // Otherwise the call ended already (canceled, timed out, caller gone): a late answer is dropped.
    return undefined;
  }

  #yield(callee: RealmSession, message: Message<'YIELD'>): void {
    const call = this.#pendingFor(callee, message.fields['INVOCATION.Request'], 'YIELD');
    if (call === undefined) return;
    const { Arguments: args, ArgumentsKw: kwargs, Options: options } = message.fields;
    if (options['ppt_scheme'] !== undefined && !callee.supports('callee', 'payload_passthru_mode')) {
      return callee.abort(WampErrors.protocolViolation, 'YIELD in payload passthru mode from a callee that did not announce payload_passthru_mode');
    }
    if (message.isProgress()) {
      // A progressive result for a caller that did not ask for them has nowhere to go.
      if (!call.callerTakesProgress) return;
      const details: Dict = { progress: true };
      copyPptKeys(options, details);
      this.#emit({ kind: 'out', session: call.caller, message: createMessage('RESULT', { 'CALL.Request': call.request, Details: details, Arguments: args, ArgumentsKw: kwargs }, message.payload) });
      return;
    }
    this.#finish(call, 'result');
    const details: Dict = {};
    copyPptKeys(options, details);
    this.#emit({ kind: 'out', session: call.caller, message: createMessage('RESULT', { 'CALL.Request': call.request, Details: details, Arguments: args, ArgumentsKw: kwargs }, message.payload) });
  }

  #calleeError(callee: RealmSession, message: Message<'ERROR'>): void {
    const call = this.#pendingFor(callee, message.fields['REQUEST.Request'], 'ERROR');
    if (call === undefined) return;
    this.#finish(call, 'error');
    const { Details: details, Error: error, Arguments: args, ArgumentsKw: kwargs } = message.fields;
    this.#emit({
      kind: 'out',
      session: call.caller,
      message: createMessage('ERROR', { 'REQUEST.Type': Codes.CALL, 'REQUEST.Request': call.request, Details: details, Error: error, Arguments: args, ArgumentsKw: kwargs }, message.payload),
    });
  }

  #cancel(caller: RealmSession, message: Message<'CANCEL'>): void {
    const call = this.#byCaller.get(caller)?.get(message.fields['CALL.Request']);
    // The call may have ended while the CANCEL was on its way: nothing left to cancel.
    if (call === undefined) return;
    if (call.remote) {
      // The callee's node applies the mode and answers.
      if (this.#cluster!.forward(call.callee.node!, caller, message, call.registration, call.callee.id) !== 'sent') this.#fail(call, WampErrors.canceled, 'call canceled (the cluster link is down)');
      return;
    }
    const requested = message.fields.Options['mode'];
    let mode = requested === 'skip' || requested === 'kill' ? requested : 'killnowait';
    if (!call.callee.supports('callee', 'call_canceling')) mode = 'skip';
    if (mode !== 'skip') this.#interrupt(call, mode, WampErrors.canceled);
    if (mode === 'kill') return; // The callee's own ERROR or RESULT ends the call.
    this.#finish(call, 'canceled');
    this.#emit(errorReply(caller, Codes.CALL, call.request, WampErrors.canceled, [`call canceled (${mode})`]));
  }

  #timeout(call: PendingCall): void {
    call.timer = undefined;
    if (this.#byCaller.get(call.caller)?.get(call.request) !== call) return;
    if (call.remote) {
      this.#cluster!.forward(call.callee.node!, call.caller, createMessage('CANCEL', { 'CALL.Request': call.request, Options: { mode: 'killnowait' } }), call.registration, call.callee.id);
      return this.#fail(call, WampErrors.timeout, 'call timed out');
    }
    if (call.callee.supports('callee', 'call_canceling')) this.#interrupt(call, 'killnowait', WampErrors.timeout);
    this.#finish(call, 'timeout');
    this.#emit(errorReply(call.caller, Codes.CALL, call.request, WampErrors.timeout, ['call timed out']));
  }

  #interrupt(call: PendingCall, mode: string, reason: string): void {
    this.#emit({ kind: 'out', session: call.callee, message: createMessage('INTERRUPT', { 'INVOCATION.Request': call.invocation, Options: { mode, reason } }) });
  }

  /** Forgets a call: it got its final answer, or was canceled, or timed out. */
  #finish(call: PendingCall, outcome: CallOutcome): void {
    this.#stats?.callEnded(outcome, call.started);
    call.timer?.unsubscribe();
    const calls = this.#byCaller.get(call.caller);
    calls?.delete(call.request);
    if (calls?.size === 0) this.#byCaller.delete(call.caller);
    if (call.remote) {
      const remote = this.#remoteByCallee.get(call.callee);
      remote?.delete(call);
      if (remote?.size === 0) this.#remoteByCallee.delete(call.callee);
      return;
    }
    this.#byCallee.get(call.callee)?.pending.delete(call.invocation);
    if (call.caller.node !== undefined) this.#context.servingRemote?.delete(`${call.caller.id}:${call.request}`);
  }

  /** A session left: its calls are interrupted, its invocations fail, its registrations go (forgetSession). */
  #forget(session: RealmSession): void {
    const calls = this.#byCaller.get(session);
    if (calls !== undefined) {
      for (const call of [...calls.values()]) {
        // A callee on another node learns from the caller's leave that its calls are over.
        if (!call.remote && call.callee.open && call.callee.supports('callee', 'call_canceling')) this.#interrupt(call, 'killnowait', WampErrors.canceled);
        this.#finish(call, 'caller_left');
      }
      this.#byCaller.delete(session);
    }
    const calleeCalls = this.#byCallee.get(session);
    if (calleeCalls !== undefined) {
      for (const call of [...calleeCalls.pending.values()]) {
        this.#finish(call, 'callee_left');
        if (call.caller !== session) this.#emit(errorReply(call.caller, Codes.CALL, call.request, WampErrors.canceled, ['the callee left']));
      }
      this.#byCallee.delete(session);
    }
    const remote = this.#remoteByCallee.get(session);
    if (remote !== undefined) {
      for (const call of [...remote]) if (call.caller !== session) this.#fail(call, WampErrors.canceled, `the callee's node '${session.node ?? ''}' is gone`);
      this.#remoteByCallee.delete(session);
    }
    for (const registration of [...this.#store.ofSession(session)]) this.#remove(session, registration);
  }
}
