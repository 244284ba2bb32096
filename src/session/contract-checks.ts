import { concatMap, defer, from, isObservable, map, of, switchMap } from 'rxjs';
import type { Observable, OperatorFunction } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { CheckedPayload, CheckOutcome, PayloadCheck, ProcedureContract, TopicContract } from './contract.js';
import type { CallResult, Handler, WampEvent } from './role-types.js';

// How the session applies a contract's checks. A plain URI never comes here, and a
// contract without schemas passes straight through: the hot path stays as it was.

/** The URI of a procedure or topic given either way. */
export function uriOf(ref: string | { readonly uri: string }): string {
  return typeof ref === 'string' ? ref : ref.uri;
}

const EMPTY_KWARGS: Dict = Object.freeze({});

/** One check as an Observable: synchronous when the check is (virtual time stays virtual), else when its Promise settles. */
function checked(check: PayloadCheck, args: unknown[] | undefined, kwargs: Dict | undefined): Observable<CheckedPayload> {
  return defer(() => {
    const outcome = check(args ?? [], kwargs ?? EMPTY_KWARGS);
    return isPromiseLike(outcome) ? from(outcome).pipe(map(passed)) : of(passed(outcome));
  });
}

function passed(outcome: CheckOutcome): CheckedPayload {
  if ('error' in outcome) throw outcome.error;
  return outcome;
}

/**
 * A contract's call: its arguments are checked before anything is sent (an Observable of
 * arguments, each chunk before it goes out), its results after they arrive.
 */
export function checkedCall(
  contract: ProcedureContract,
  args: unknown[] | Observable<unknown[]> | undefined,
  kwargs: Dict | undefined,
  send: (args: unknown[] | Observable<unknown[]> | undefined) => Observable<CallResult>,
): Observable<CallResult> {
  const { call, result, progress } = contract.checks;
  let results: Observable<CallResult>;
  if (call === undefined) results = send(args);
  else if (isObservable(args)) results = send(args.pipe(concatMap((chunk) => checked(call, chunk, kwargs).pipe(map(() => chunk)))));
  // What goes out is what the caller wrote: the callee checks (and transforms) it again.
  else results = checked(call, args, kwargs).pipe(switchMap(() => send(args)));
  if (result === undefined && progress === undefined) return results;
  return results.pipe(
    concatMap((r) => {
      const check = r.progress ? progress : result;
      if (check === undefined) return of(r);
      return checked(check, r.args, r.kwargs).pipe(map((p): CallResult => ({ ...r, args: p.args, kwargs: p.kwargs })));
    }),
  );
}

/** A contract's handler: it runs only with arguments that passed the check; others get the check's error (an ERROR to the caller). */
export function checkedHandler(contract: ProcedureContract, handler: Handler): Handler {
  const check = contract.checks.call;
  if (check === undefined) return handler;
  return (args, kwargs, details) => {
    // The later chunks of a progressive call invocation are checked as the handler reads them.
    const chunks = details.chunks$;
    if (chunks !== undefined) details.chunks$ = chunks.pipe(concatMap((chunk) => checked(check, chunk.args, chunk.kwargs).pipe(map((p) => ({ ...chunk, args: p.args, kwargs: p.kwargs })))));
    const outcome = check(args, kwargs);
    if (!isPromiseLike(outcome)) {
      const payload = passed(outcome);
      return handler(payload.args, payload.kwargs, details);
    }
    return from(outcome).pipe(
      switchMap((settled) => {
        const payload = passed(settled);
        const value = handler(payload.args, payload.kwargs, details);
        return isObservable(value) ? value : isPromiseLike(value) ? from(value) : of(value);
      }),
    );
  };
}

/** A contract's publication: sent only once its arguments passed the check. */
export function checkedPublish<T>(contract: TopicContract, args: unknown[] | undefined, kwargs: Dict | undefined, send: () => Observable<T>): Observable<T> {
  const check = contract.checks.publish;
  if (check === undefined) return send();
  return checked(check, args, kwargs).pipe(switchMap(send));
}

/** Checks each EVENT of a contract's topic: a bad one errors the stream rather than reach the subscriber. */
export function checkedEvents(contract: TopicContract): OperatorFunction<WampEvent, WampEvent> {
  const check = contract.checks.event;
  if (check === undefined) return (events) => events;
  return concatMap((event) => checked(check, event.args, event.kwargs).pipe(map((p): WampEvent => ({ ...event, args: p.args, kwargs: p.kwargs }))));
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
