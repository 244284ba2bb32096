import { Codes } from '../../protocol/message-table.js';
import { from, isObservable, Observable, Subject } from 'rxjs';
import type { Subscriber, Subscription } from 'rxjs';
import type { Dict } from '../../protocol/dict.js';
import { ProtocolViolation, WampErrors } from '../../protocol/errors.js';
import type { WampError } from '../../protocol/errors.js';
import { MAX_ID } from '../../protocol/ids.js';
import { createMessage } from '../../protocol/message.js';
import type { Message, WampMessage } from '../../protocol/message.js';
import type { Handler, InvocationChunk, InvocationDetails, Registration, RegisterOptions } from '../role-types.js';
import type { RoleHandler, SessionContext, SessionEnd } from '../session-context.js';
import { wampErrorFrom } from '../wamp-error-from.js';
import { errorPayload, resultPayload } from './handler-outcome.js';
import { payloadOf } from '../ppt/payload-passthru.js';
import type { UnpackedPayload } from '../ppt/payload-passthru.js';
import { outboundPptMode, PPT_KEYS } from '../ppt/ppt-mode.js';
import type { PptMode } from '../ppt/ppt-mode.js';
import { wireOptions } from './options-key.js';

/** One `register` subscriber and its procedure. */
interface RegistrationEntry {
  readonly procedure: string;
  readonly handler: Handler;
  readonly onPayloadError: RegisterOptions['onPayloadError'];
  readonly subscriber: Subscriber<Registration>;
  /** The payload passthru mode of every result (register options); else each result mirrors its invocation's mode. */
  readonly resultMode: PptMode | undefined;
  /** The registration id once REGISTERED arrived; 0 while pending. */
  id: number;
  left: boolean;
  done: boolean;
}

/** An INVOCATION being answered. */
interface RunningInvocation {
  /** The handler's Observable (or Promise), while it runs. */
  subscription: Subscription | undefined;
  /** The chunks of a progressive call invocation after the first, while more may come. */
  chunks: Subject<InvocationChunk> | undefined;
  /** The payload passthru mode of the answers (YIELD, ERROR), if any. */
  readonly ppt: PptMode | undefined;
}

/** Register options that are the callee's own: how it answers (ppt_), its error hook. */
const REGISTER_CLIENT_ONLY = [...PPT_KEYS, 'onPayloadError'];

/** The callee role of a session: REGISTER/UNREGISTER, INVOCATION → handler → YIELD/ERROR, INTERRUPT. */
export class CalleeRole implements RoleHandler {
  readonly #pending = new Map<number, RegistrationEntry>();
  readonly #registrations = new Map<number, RegistrationEntry>();
  /** UNREGISTER request id → registration id. */
  readonly #unregistering = new Map<number, number>();
  /** Registrations whose UNREGISTER is in flight: their late INVOCATIONs get an ERROR. */
  readonly #draining = new Set<number>();
  readonly #invocations = new Map<number, RunningInvocation>();
  #lastInvocation = 0;

  constructor(private readonly ctx: SessionContext) {}

  /** Registers on subscribe; emits the Registration; unsubscribing UNREGISTERs. */
  register(procedure: string, handler: Handler, options: RegisterOptions = {}): Observable<Registration> {
    return new Observable<Registration>((subscriber) => {
      this.ctx.assertOpen();
      if (options.match !== undefined && options.match !== 'exact') {
        this.ctx.requireFeature('dealer', 'pattern_based_registration', `registering with match: ${options.match}`);
      }
      if (options.invoke !== undefined && options.invoke !== 'single') {
        this.ctx.requireFeature('dealer', 'shared_registration', `registering with invoke: ${options.invoke}`);
      }
      if (options.disclose_caller === true) this.ctx.requireFeature('dealer', 'caller_identification', 'registering with disclose_caller');
      const resultMode = outboundPptMode(options);
      if (resultMode !== undefined) this.ctx.requireFeature('dealer', 'payload_passthru_mode', 'registering with payload passthru results (ppt_scheme)');
      const request = this.ctx.nextRequestId();
      const entry: RegistrationEntry = { procedure, handler, onPayloadError: options.onPayloadError, subscriber, resultMode, id: 0, left: false, done: false };
      this.#pending.set(request, entry);
      try {
        // The ppt_ options are the callee's own (how it answers): REGISTER does not carry them.
        this.ctx.send(createMessage('REGISTER', { Request: request, Options: wireOptions(options, REGISTER_CLIENT_ONLY), Procedure: procedure }));
      } catch (err) {
        this.#pending.delete(request);
        throw err;
      }
      return () => this.#leave(entry);
    });
  }

  #leave(entry: RegistrationEntry): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.id === 0) {
      entry.left = true;
      return;
    }
    this.#registrations.delete(entry.id);
    this.#unregister(entry.id);
  }

  #unregister(registration: number): void {
    if (!this.ctx.isOpen) return;
    const request = this.ctx.nextRequestId();
    this.#unregistering.set(request, registration);
    this.#draining.add(registration);
    this.ctx.send(createMessage('UNREGISTER', { Request: request, Registration: registration }));
  }

  handle(message: WampMessage): void {
    switch (message.code) {
      case 68:
        return this.#invocation(message);
      case 69:
        return this.#interrupt(message.fields['INVOCATION.Request'], message.fields.Options['mode']);
      case 65: {
        const request = message.fields['REGISTER.Request'];
        const entry = this.#pending.get(request);
        if (entry === undefined) return this.ctx.stray(`REGISTERED for request ${request}, which is no pending REGISTER`);
        this.#pending.delete(request);
        const id = message.fields.Registration;
        if (entry.left) return this.#unregister(id);
        entry.id = id;
        this.#registrations.set(id, entry);
        this.#draining.delete(id);
        entry.subscriber.next({ id, procedure: entry.procedure });
        return;
      }
      case 67: {
        const request = message.fields['UNREGISTER.Request'];
        if (request === 0) return this.#revoked(message.fields.Details ?? {});
        const id = this.#unregistering.get(request);
        if (id === undefined) return this.ctx.stray(`UNREGISTERED for request ${request}, which is no pending UNREGISTER`);
        this.#unregistering.delete(request);
        this.#draining.delete(id);
        return;
      }
      case 8: {
        const request = message.fields['REQUEST.Request'];
        const type = message.fields['REQUEST.Type'];
        if (type === 64) {
          const entry = this.#pending.get(request);
          if (entry === undefined) return this.ctx.stray(`ERROR for REGISTER request ${request}, which is not pending`);
          this.#pending.delete(request);
          if (!entry.left) {
            entry.done = true;
            entry.subscriber.error(wampErrorFrom(message));
          }
          return;
        }
        if (type === 66) {
          const id = this.#unregistering.get(request);
          if (id === undefined) return this.ctx.stray(`ERROR for UNREGISTER request ${request}, which is not pending`);
          this.#unregistering.delete(request);
          this.#draining.delete(id);
          return;
        }
        throw new ProtocolViolation(`ERROR for a request of type ${type}, which a router never sends to a callee`);
      }
      default:
        throw new ProtocolViolation(`${message.name} is not a callee message`);
    }
  }

  #invocation(message: Message<'INVOCATION'>): void {
    const request = message.fields.Request;
    const details = message.fields.Details as InvocationDetails;
    const running = this.#invocations.get(request);
    if (running !== undefined) {
      // A later chunk of a progressive call invocation reuses its request id; any other reuse
      // would mix two calls up, whatever the strictness.
      if (running.chunks === undefined) throw new ProtocolViolation(`INVOCATION reuses request ${request} of a running invocation`);
      const progress = details['progress'] === true;
      let chunk: UnpackedPayload;
      try {
        chunk = payloadOf(this.ctx.payloads, message);
      } catch (err) {
        // A chunk that cannot be read ends the invocation: the caller learns why.
        this.#interrupt(request, 'killnowait');
        this.#sendError(request, errorPayload(err), undefined);
        return;
      }
      running.chunks.next({ args: chunk.args, kwargs: chunk.kwargs, progress });
      if (!progress) {
        running.chunks.complete();
        running.chunks = undefined;
      }
      return;
    }
    if (this.ctx.checkRequestIds) {
      const expected = this.#lastInvocation >= MAX_ID ? 1 : this.#lastInvocation + 1;
      if (request !== expected) throw new ProtocolViolation(`INVOCATION request ${request} is out of sequence (expected ${expected})`);
    }
    this.#lastInvocation = request;
    const registration = message.fields.Registration;
    const entry = this.#registrations.get(registration);
    if (entry === undefined) {
      if (!this.#draining.has(registration)) this.ctx.stray(`INVOCATION for registration ${registration}, which this session does not hold`);
      // Dropped or draining: the caller still gets an answer.
      this.#sendError(request, { uri: WampErrors.noSuchRegistration, args: [], kwargs: {} }, undefined);
      return;
    }
    let payload: UnpackedPayload;
    try {
      payload = payloadOf(this.ctx.payloads, message);
    } catch (err) {
      // Never run the handler on a payload that cannot be read (wrong key, tampered): tell the caller why.
      this.#sendError(request, errorPayload(err), undefined);
      entry.onPayloadError?.(err as WampError, details);
      return;
    }
    const mirrored = outboundPptMode(details);
    const ppt = entry.resultMode ?? (mirrored !== undefined && this.ctx.payloads.canPack(mirrored) ? mirrored : undefined);
    const invocation: RunningInvocation = { subscription: undefined, chunks: undefined, ppt };
    if (details['progress'] === true) {
      invocation.chunks = new Subject<InvocationChunk>();
      details.chunks$ = invocation.chunks.asObservable();
    }
    this.#invocations.set(request, invocation);
    let outcome: unknown;
    try {
      outcome = entry.handler(payload.args, payload.kwargs, details);
    } catch (err) {
      this.#finish(request, invocation);
      this.#sendError(request, errorPayload(err), ppt);
      return;
    }
    if (isObservable(outcome)) this.#stream(request, invocation, outcome, details['receive_progress'] === true);
    else if (isPromiseLike(outcome)) this.#stream(request, invocation, from(outcome), false);
    else {
      this.#finish(request, invocation);
      this.#sendYield(request, outcome, ppt);
    }
  }

  /**
   * Answers with a handler's Observable. For a caller that takes progress, each value but
   * the last is a progressive YIELD and the last one is final (so progressive and plain
   * callers see the same final result); else the last value is the result.
   */
  #stream(request: number, invocation: RunningInvocation, outcome$: Observable<unknown>, progressive: boolean): void {
    let held: unknown;
    let holding = false;
    const subscription = outcome$.subscribe({
      next: (value) => {
        // A handler still emitting after its call ended (interrupted, or a part could not be sent) sends nothing more.
        if (this.#invocations.get(request) !== invocation) return;
        if (progressive && holding) this.#sendProgress(request, invocation, held);
        held = value;
        holding = true;
      },
      complete: () => {
        if (!this.#finish(request, invocation)) return;
        this.#sendYield(request, held, invocation.ppt);
      },
      error: (err: unknown) => {
        if (!this.#finish(request, invocation)) return;
        this.#sendError(request, errorPayload(err), invocation.ppt);
      },
    });
    // An INTERRUPT that arrived while the handler was being subscribed found no subscription to stop.
    if (this.#invocations.get(request) === invocation) invocation.subscription = subscription;
    else subscription.unsubscribe();
  }

  /** Retires an invocation; false when it was already retired (interrupted). */
  #finish(request: number, invocation: RunningInvocation): boolean {
    if (this.#invocations.get(request) !== invocation) return false;
    this.#invocations.delete(request);
    invocation.chunks?.complete();
    return true;
  }

  #interrupt(request: number, mode: unknown): void {
    const invocation = this.#invocations.get(request);
    if (invocation === undefined) return; // already answered: the INTERRUPT crossed our YIELD
    this.#invocations.delete(request);
    invocation.subscription?.unsubscribe();
    invocation.chunks?.complete();
    if (mode !== 'killnowait') this.#sendError(request, { uri: WampErrors.canceled, args: [], kwargs: {} }, undefined);
  }

  /**
   * A progressive YIELD. The caller must not miss a part unknowingly, so a part that cannot be
   * sent ends the call with an ERROR and stops the handler.
   */
  #sendProgress(request: number, invocation: RunningInvocation, value: unknown): void {
    const failure = this.#trySendYield(request, value, true, invocation.ppt);
    if (failure === undefined || !this.#finish(request, invocation)) return;
    invocation.subscription?.unsubscribe();
    this.#sendError(request, errorPayload(failure.error), undefined);
  }

  /** A final YIELD; one that cannot be encoded or is too large becomes an ERROR the caller can see. */
  #sendYield(request: number, value: unknown, ppt: PptMode | undefined): void {
    const failure = this.#trySendYield(request, value, false, ppt);
    if (failure !== undefined) this.#sendError(request, errorPayload(failure.error), undefined);
  }

  /** Sends a YIELD; returns what kept it from being sent, if anything did. */
  #trySendYield(request: number, value: unknown, progress: boolean, ppt: PptMode | undefined): { error: unknown } | undefined {
    if (!this.ctx.isOpen) return undefined;
    const { args, kwargs } = resultPayload(value);
    const options: Dict = progress ? { progress: true } : {};
    try {
      if (ppt === undefined) this.ctx.send(createMessage('YIELD', { 'INVOCATION.Request': request, Options: options, Arguments: args, ArgumentsKw: kwargs }));
      else this.ctx.send(createMessage('YIELD', { 'INVOCATION.Request': request, Options: { ...options, ...ppt }, Arguments: this.ctx.payloads.pack(args, kwargs, ppt) }));
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  /** An ERROR for an invocation; in payload passthru mode its args and kwargs travel packed, like a result's. */
  #sendError(request: number, error: { uri: string; args: unknown[]; kwargs: Dict }, ppt: PptMode | undefined): void {
    if (!this.ctx.isOpen) return;
    try {
      if (ppt === undefined) {
        this.ctx.send(createMessage('ERROR', { 'REQUEST.Type': Codes.INVOCATION, 'REQUEST.Request': request, Details: {}, Error: error.uri, Arguments: error.args, ArgumentsKw: error.kwargs }));
      } else {
        const packed = this.ctx.payloads.pack(error.args, error.kwargs, ppt);
        this.ctx.send(createMessage('ERROR', { 'REQUEST.Type': Codes.INVOCATION, 'REQUEST.Request': request, Details: { ...ppt }, Error: error.uri, Arguments: packed }));
      }
    } catch {
      this.ctx.send(createMessage('ERROR', { 'REQUEST.Type': Codes.INVOCATION, 'REQUEST.Request': request, Details: {}, Error: WampErrors.runtimeError, Arguments: ['the error could not be serialized'] }));
    }
  }

  /** `[67, 0, {registration, reason}]`: the router ended a registration; its Observable completes. */
  #revoked(details: Dict): void {
    const id = details['registration'];
    if (typeof id !== 'number') return;
    const entry = this.#registrations.get(id);
    if (entry === undefined) return;
    this.#registrations.delete(id);
    entry.done = true;
    entry.subscriber.complete();
  }

  end({ error, clean }: SessionEnd): void {
    const pending = [...this.#pending.values()];
    const live = [...this.#registrations.values()];
    const running = [...this.#invocations.values()];
    this.#pending.clear();
    this.#registrations.clear();
    this.#unregistering.clear();
    this.#draining.clear();
    this.#invocations.clear();
    for (const invocation of running) {
      invocation.subscription?.unsubscribe();
      invocation.chunks?.complete();
    }
    for (const entry of pending) {
      if (entry.left) continue;
      entry.done = true;
      entry.subscriber.error(error);
    }
    for (const entry of live) {
      entry.done = true;
      if (clean) entry.subscriber.complete();
      else entry.subscriber.error(error);
    }
  }

  size(): number {
    return this.#pending.size + this.#registrations.size + this.#unregistering.size + this.#draining.size + this.#invocations.size;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
