import { asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { WampErrors } from '../protocol/errors.js';
import { Codes } from '../protocol/message-table.js';
import { IdSequence } from '../protocol/ids.js';
import { createMessage } from '../protocol/message.js';
import type { Message } from '../protocol/message.js';
import { isReservedUri, isValidPattern, isValidUri } from '../protocol/uri.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { Logger } from './logger.js';
import type { RealmSession } from './realm-session.js';
import { pickCallee } from './registration-store.js';
import type { InvocationPolicy, Registration, RegistrationStore } from './registration-store.js';
import { errorReply, explainedError } from './replies.js';
import type { Routed } from './routed.js';
import { stage } from './stage.js';
import type { Emit } from './stage.js';

/** What the dealer needs from its realm. */
export interface DealerContext {
  readonly registrations: RegistrationStore;
  readonly logger: Logger;
  /** Runs call timeouts (a TestScheduler in marble specs; asyncScheduler by default). */
  readonly scheduler?: SchedulerLike;
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
  readonly receiveProgress: boolean;
  /** The caller is still sending progressive CALLs (progressive call invocations). */
  invocationsOpen: boolean;
  timer: Subscription | undefined;
}

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

  constructor(context: DealerContext, emit: Emit) {
    this.#store = context.registrations;
    this.#scheduler = context.scheduler ?? asyncScheduler;
    this.#emit = emit;
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
    }
    this.#emit(routed);
  }

  teardown(): void {
    for (const calls of this.#byCaller.values()) for (const call of calls.values()) call.timer?.unsubscribe();
    this.#byCaller.clear();
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
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.noSuchProcedure, `no callee registered procedure '${procedure}'`));
    }
    const callee = pickCallee(registration)!;
    const calleeSession = callee.session;
    const progressiveInvocation = message.isProgress();
    if (progressiveInvocation && !calleeSession.supports('callee', 'progressive_call_invocations')) {
      return this.#emit(explainedError(caller, Codes.CALL, request, WampErrors.featureNotSupported, `the callee of '${procedure}' does not support progressive call invocations`));
    }
    let calleeCalls = this.#byCallee.get(calleeSession);
    if (calleeCalls === undefined) this.#byCallee.set(calleeSession, (calleeCalls = { pending: new Map(), ids: new IdSequence() }));
    const invocation = calleeCalls.ids.next();
    const receiveProgress = message.callerCanReceiveProgress() && calleeSession.supports('callee', 'progressive_call_results');
    const call: PendingCall = { caller, request, callee: calleeSession, invocation, registration: registration.id, receiveProgress, invocationsOpen: progressiveInvocation, timer: undefined };
    if (calls === undefined) this.#byCaller.set(caller, (calls = new Map()));
    calls.set(request, call);
    calleeCalls.pending.set(invocation, call);

    const details: Dict = {};
    if (registration.match !== 'exact') details['procedure'] = procedure;
    if (receiveProgress) details['receive_progress'] = true;
    if (progressiveInvocation) details['progress'] = true;
    if (options['disclose_me'] === true || callee.discloseCaller) {
      details['caller'] = caller.id;
      details['caller_authid'] = caller.authid;
      details['caller_authrole'] = caller.authrole;
    }
    const timeout = options['timeout'];
    if (typeof timeout === 'number' && timeout > 0) {
      call.timer = this.#scheduler.schedule(() => this.#timeout(call), timeout);
    }
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    this.#emit({
      kind: 'out',
      session: calleeSession,
      message: createMessage('INVOCATION', { Request: invocation, Registration: registration.id, Details: details, Arguments: args, ArgumentsKw: kwargs }, message.payload),
    });
  }

  /** A further CALL with the request id of an open progressive call invocation. */
  #continueCall(call: PendingCall, message: Message<'CALL'>): void {
    if (!call.invocationsOpen) {
      return call.caller.abort(WampErrors.protocolViolation, `CALL request id ${call.request} is already in use by a pending call`);
    }
    const progress = message.isProgress();
    call.invocationsOpen = progress;
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    const details: Dict = progress ? { progress: true } : {};
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
    const { Arguments: args, ArgumentsKw: kwargs } = message.fields;
    if (message.isProgress()) {
      // A progressive result for a caller that did not ask for them has nowhere to go.
      if (!call.receiveProgress) return;
      this.#emit({ kind: 'out', session: call.caller, message: createMessage('RESULT', { 'CALL.Request': call.request, Details: { progress: true }, Arguments: args, ArgumentsKw: kwargs }, message.payload) });
      return;
    }
    this.#finish(call);
    this.#emit({ kind: 'out', session: call.caller, message: createMessage('RESULT', { 'CALL.Request': call.request, Details: {}, Arguments: args, ArgumentsKw: kwargs }, message.payload) });
  }

  #calleeError(callee: RealmSession, message: Message<'ERROR'>): void {
    const call = this.#pendingFor(callee, message.fields['REQUEST.Request'], 'ERROR');
    if (call === undefined) return;
    this.#finish(call);
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
    const requested = message.fields.Options['mode'];
    let mode = requested === 'skip' || requested === 'kill' ? requested : 'killnowait';
    if (!call.callee.supports('callee', 'call_canceling')) mode = 'skip';
    if (mode !== 'skip') this.#interrupt(call, mode, WampErrors.canceled);
    if (mode === 'kill') return; // The callee's own ERROR or RESULT ends the call.
    this.#finish(call);
    this.#emit(errorReply(caller, Codes.CALL, call.request, WampErrors.canceled, [`call canceled (${mode})`]));
  }

  #timeout(call: PendingCall): void {
    call.timer = undefined;
    if (this.#byCaller.get(call.caller)?.get(call.request) !== call) return;
    if (call.callee.supports('callee', 'call_canceling')) this.#interrupt(call, 'killnowait', WampErrors.timeout);
    this.#finish(call);
    this.#emit(errorReply(call.caller, Codes.CALL, call.request, WampErrors.timeout, ['call timed out']));
  }

  #interrupt(call: PendingCall, mode: string, reason: string): void {
    this.#emit({ kind: 'out', session: call.callee, message: createMessage('INTERRUPT', { 'INVOCATION.Request': call.invocation, Options: { mode, reason } }) });
  }

  /** Forgets a call: it got its final answer, or was canceled, or timed out. */
  #finish(call: PendingCall): void {
    call.timer?.unsubscribe();
    const calls = this.#byCaller.get(call.caller);
    calls?.delete(call.request);
    if (calls?.size === 0) this.#byCaller.delete(call.caller);
    this.#byCallee.get(call.callee)?.pending.delete(call.invocation);
  }

  /** A session left: its calls are interrupted, its invocations fail, its registrations go (forgetSession). */
  #forget(session: RealmSession): void {
    const calls = this.#byCaller.get(session);
    if (calls !== undefined) {
      for (const call of [...calls.values()]) {
        if (call.callee.open && call.callee.supports('callee', 'call_canceling')) this.#interrupt(call, 'killnowait', WampErrors.canceled);
        this.#finish(call);
      }
      this.#byCaller.delete(session);
    }
    const calleeCalls = this.#byCallee.get(session);
    if (calleeCalls !== undefined) {
      for (const call of [...calleeCalls.pending.values()]) {
        this.#finish(call);
        if (call.caller !== session) this.#emit(errorReply(call.caller, Codes.CALL, call.request, WampErrors.canceled, ['the callee left']));
      }
      this.#byCallee.delete(session);
    }
    for (const registration of [...this.#store.ofSession(session)]) this.#remove(session, registration);
  }
}
