import { Codes } from '../../protocol/message-table.js';
import { isObservable, Observable } from 'rxjs';
import type { Subscriber, Subscription } from 'rxjs';
import type { Dict } from '../../protocol/dict.js';
import { ProtocolViolation, WampError } from '../../protocol/errors.js';
import { createMessage } from '../../protocol/message.js';
import type { WampMessage } from '../../protocol/message.js';
import { AbandonedRequests } from '../abandoned-requests.js';
import type { CallOptions, CallResult } from '../role-types.js';
import type { RoleHandler, SessionContext, SessionEnd } from '../session-context.js';
import { wampErrorFrom } from '../wamp-error-from.js';
import { payloadOf } from '../ppt/payload-passthru.js';
import type { UnpackedPayload } from '../ppt/payload-passthru.js';
import { outboundPptMode } from '../ppt/ppt-mode.js';
import type { PptMode } from '../ppt/ppt-mode.js';
import { wireOptions } from './options-key.js';

/** A call waiting for its final RESULT or ERROR. */
interface PendingCall {
  readonly subscriber: Subscriber<CallResult>;
  readonly receiveProgress: boolean;
}

const CLIENT_ONLY_OPTIONS = ['cancelMode'];

/** The caller role of a session: CALL (also progressive call invocations), RESULT, CANCEL. */
export class CallerRole implements RoleHandler {
  /** CALL request id → the call. */
  readonly #calls = new Map<number, PendingCall>();
  readonly #abandoned = new AbandonedRequests();

  constructor(private readonly ctx: SessionContext) {}

  /**
   * Calls on subscribe. Emits each progressive result, then the final one, then completes;
   * an ERROR becomes a WampError; unsubscribing early sends CANCEL. When `args` is an
   * Observable, each of its values is one progressive CALL (the last one final).
   */
  call(procedure: string, args?: unknown[] | Observable<unknown[]>, kwargs?: Dict, options: CallOptions = {}): Observable<CallResult> {
    return new Observable<CallResult>((subscriber) => {
      this.ctx.assertOpen();
      this.#checkFeatures(options, isObservable(args));
      const ppt = outboundPptMode(options);
      if (ppt !== undefined) this.ctx.requireFeature('dealer', 'payload_passthru_mode', 'a call in payload passthru mode (ppt_scheme)');
      const wire = ppt === undefined ? wireOptions(options, CLIENT_ONLY_OPTIONS) : { ...wireOptions(options, CLIENT_ONLY_OPTIONS), ...ppt };
      const request = this.ctx.nextRequestId();
      const call: PendingCall = { subscriber, receiveProgress: options.receive_progress === true };
      this.#calls.set(request, call);
      let argsSubscription: Subscription | undefined;
      try {
        if (isObservable(args)) argsSubscription = this.#streamArguments(request, procedure, args, kwargs, wire, ppt, subscriber);
        else this.ctx.send(this.#callMessage(request, wire, procedure, args, kwargs, ppt));
      } catch (err) {
        this.#calls.delete(request);
        throw err;
      }
      return () => {
        argsSubscription?.unsubscribe();
        if (this.#calls.get(request) === call) this.#cancel(request, options.cancelMode ?? 'killnowait');
      };
    });
  }

  #checkFeatures(options: CallOptions, streamed: boolean): void {
    if (options.receive_progress === true) this.ctx.requireFeature('dealer', 'progressive_call_results', 'a call with receive_progress');
    if (typeof options.timeout === 'number' && options.timeout > 0) this.ctx.requireFeature('dealer', 'call_timeout', 'a call with a timeout');
    if (options.disclose_me === true) this.ctx.requireFeature('dealer', 'caller_identification', 'a call with disclose_me');
    if (streamed) this.ctx.requireFeature('dealer', 'progressive_call_invocations', 'a call with Observable arguments');
  }

  /** A CALL; in payload passthru mode its args and kwargs travel packed as the one Arguments item. */
  #callMessage(request: number, options: Dict, procedure: string, args: unknown[] | undefined, kwargs: Dict | undefined, ppt: PptMode | undefined): WampMessage {
    if (ppt === undefined) return createMessage('CALL', { Request: request, Options: options, Procedure: procedure, Arguments: args, ArgumentsKw: kwargs });
    return createMessage('CALL', { Request: request, Options: options, Procedure: procedure, Arguments: this.ctx.payloads.pack(args, kwargs, ppt) });
  }

  /** Sends one CALL per value of `args$`, holding one back so the last can go out final (progress off). */
  #streamArguments(request: number, procedure: string, args$: Observable<unknown[]>, kwargs: Dict | undefined, wire: Dict, ppt: PptMode | undefined, subscriber: Subscriber<CallResult>): Subscription {
    let held: unknown[] | undefined;
    const progressOptions = { ...wire, progress: true };
    // A synchronous source keeps emitting before its Subscription exists to be unsubscribed:
    // once the call has ended (a callee's ERROR, say), its later chunks must not go out.
    const send = (args: unknown[], options: Dict): void => {
      if (!subscriber.closed) this.ctx.send(this.#callMessage(request, options, procedure, args, kwargs, ppt));
    };
    return args$.subscribe({
      next: (args) => {
        if (held !== undefined) send(held, progressOptions);
        held = args;
      },
      complete: () => send(held ?? [], wire),
      error: (err: unknown) => subscriber.error(err),
    });
  }

  /** Forgets a call whose subscriber left; tells the router (CANCEL) when it supports canceling. */
  #cancel(request: number, mode: string): void {
    this.#calls.delete(request);
    if (!this.ctx.isOpen) return;
    this.#abandoned.add(request);
    if (this.ctx.routerHas('dealer', 'call_canceling')) {
      this.ctx.send(createMessage('CANCEL', { 'CALL.Request': request, Options: { mode } }));
    }
  }

  handle(message: WampMessage): void {
    if (message.code === Codes.RESULT) {
      const request = message.fields['CALL.Request'];
      const call = this.#calls.get(request);
      const details = message.fields.Details;
      const progress = details['progress'] === true;
      if (call === undefined) {
        // A canceled call's progressive results may still come; only its final answer retires the id.
        if (progress ? this.#abandoned.has(request) : this.#abandoned.take(request)) return;
        return this.ctx.stray(`RESULT for CALL request ${request}, which is not pending`);
      }
      if (progress && !call.receiveProgress) return this.ctx.stray(`progressive RESULT for CALL request ${request}, which did not ask for progress`);
      const payload = this.#unpack(message, request, call, progress);
      if (payload === undefined) return;
      if (progress) {
        call.subscriber.next({ args: payload.args, kwargs: payload.kwargs, details, progress: true });
        return;
      }
      this.#calls.delete(request);
      call.subscriber.next({ args: payload.args, kwargs: payload.kwargs, details, progress: false });
      call.subscriber.complete();
      return;
    }
    if (message.code === Codes.ERROR) {
      const request = message.fields['REQUEST.Request'];
      const call = this.#calls.get(request);
      if (call === undefined) {
        if (this.#abandoned.take(request)) return;
        return this.ctx.stray(`ERROR for CALL request ${request}, which is not pending`);
      }
      this.#calls.delete(request);
      let error = wampErrorFrom(message);
      try {
        const { args, kwargs } = payloadOf(this.ctx.payloads, message);
        if (args !== message.args) error = new WampError(error.uri, args, kwargs, error.details);
      } catch (err) {
        error = err as WampError; // a PayloadError
      }
      call.subscriber.error(error);
      return;
    }
    throw new ProtocolViolation(`${message.name} is not a caller message`);
  }

  /** The RESULT's args and kwargs; a payload that cannot be read fails the call (and cancels it, when more would come). */
  #unpack(message: WampMessage, request: number, call: PendingCall, progress: boolean): UnpackedPayload | undefined {
    try {
      return payloadOf(this.ctx.payloads, message);
    } catch (err) {
      if (progress) this.#cancel(request, 'killnowait');
      else this.#calls.delete(request);
      call.subscriber.error(err);
      return undefined;
    }
  }

  end({ error }: SessionEnd): void {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.#abandoned.clear();
    for (const call of calls) call.subscriber.error(error);
  }

  size(): number {
    return this.#calls.size + this.#abandoned.size;
  }
}
