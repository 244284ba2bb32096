import type { Observable } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { WampError } from '../protocol/errors.js';
import type { CallOptions, CallResult, InvocationDetails, PublishOptions, WampEvent } from './role-types.js';

// The shapes the session and the client accept in place of a URI. `defineProcedure` and
// `defineTopic` (src/contracts/) build them from Standard Schema validators; the session
// only sees the URI, the phantom types, and the checks the schemas became.

/** A payload that passed a contract's check: what the schemas gave back (transforms applied). */
export interface CheckedPayload {
  readonly args: unknown[];
  readonly kwargs: Dict;
}

/** The outcome of a check: the checked payload, or the error that says what was wrong. */
export type CheckOutcome = CheckedPayload | { readonly error: WampError };

/** Checks one payload (args and kwargs). Synchronous when the schemas are, so marble tests stay in virtual time. */
export type PayloadCheck = (args: unknown[], kwargs: Dict) => CheckOutcome | PromiseLike<CheckOutcome>;

/** The run-time checks of a procedure; none for a types-only contract. */
export interface ProcedureChecks {
  /** CALL arguments: on the caller before sending, on the callee before the handler runs. */
  readonly call?: PayloadCheck;
  /** The final RESULT, on the caller. */
  readonly result?: PayloadCheck;
  /** Each progressive RESULT, on the caller. */
  readonly progress?: PayloadCheck;
}

/** The run-time checks of a topic; none for a types-only contract. */
export interface TopicChecks {
  /** PUBLISH arguments, on the publisher before sending. */
  readonly publish?: PayloadCheck;
  /** Each EVENT, on the subscriber. */
  readonly event?: PayloadCheck;
}

/**
 * The TypeScript types of a procedure, both sides of its schemas: `In` is what a sender
 * writes (a schema's input), `Out` what a receiver gets (a schema's output).
 */
export interface ProcedureTypes {
  readonly argsIn: readonly unknown[];
  readonly argsOut: readonly unknown[];
  readonly kwargsIn: object;
  readonly kwargsOut: object;
  readonly resultIn: unknown;
  readonly resultOut: unknown;
  readonly progressIn: unknown;
  readonly progressOut: unknown;
}

/** The TypeScript types of a topic's events, as a publisher writes them and a subscriber gets them. */
export interface TopicTypes {
  readonly argsIn: readonly unknown[];
  readonly argsOut: readonly unknown[];
  readonly kwargsIn: object;
  readonly kwargsOut: object;
}

/** A procedure's URI with its types and checks: accepted wherever a procedure URI is. Make one with `defineProcedure`. */
export interface ProcedureContract<T extends ProcedureTypes = ProcedureTypes> {
  readonly kind: 'procedure';
  readonly uri: string;
  readonly checks: ProcedureChecks;
  /** Types only: never set at run time. */
  readonly '~types'?: T;
}

/** A topic's URI with its types and checks: accepted wherever a topic URI is. Make one with `defineTopic`. */
export interface TopicContract<T extends TopicTypes = TopicTypes> {
  readonly kind: 'topic';
  readonly uri: string;
  readonly checks: TopicChecks;
  /** Types only: never set at run time. */
  readonly '~types'?: T;
}

/** The args of a RESULT typed by its value: `[value]`, or anything when the contract leaves it open. */
type ValueArgs<V> = unknown extends V ? unknown[] : [V];

/** A progressive RESULT of a contract's call. */
export type ContractProgress<T extends ProcedureTypes> = Omit<CallResult, 'args' | 'progress'> & {
  readonly args: ValueArgs<T['progressOut']>;
  readonly progress: true;
};

/** The final RESULT of a contract's call. */
export type ContractResult<T extends ProcedureTypes> = Omit<CallResult, 'args' | 'progress'> & {
  readonly args: ValueArgs<T['resultOut']>;
  readonly progress: false;
};

/** What a contract's call emits: progressive results (`progress: true`), then the final one. */
export type ContractCallResult<T extends ProcedureTypes> = ContractProgress<T> | ContractResult<T>;

/** An EVENT of a contract's topic. */
export type ContractEvent<T extends TopicTypes> = Omit<WampEvent, 'args' | 'kwargs'> & {
  readonly args: T['argsOut'];
  readonly kwargs: T['kwargsOut'];
};

/**
 * A callee's implementation of a contract: it gets the checked args and kwargs and returns
 * the result, a Promise of it, or an Observable of progressive results ending with it.
 */
export type ContractHandler<T extends ProcedureTypes> = (
  args: T['argsOut'],
  kwargs: T['kwargsOut'],
  details: InvocationDetails,
) => T['resultIn'] | Promise<T['resultIn']> | Observable<T['progressIn'] | T['resultIn']>;

/**
 * What follows the contract in a call or publication: args, kwargs and options, where args
 * may be left out only if the contract accepts none, and kwargs only if none are required.
 */
type Payload<Args, Arg, Kwargs, Options> = [] extends Args
  ? {} extends Kwargs
    ? [args?: Arg, kwargs?: Kwargs, options?: Options]
    : [args: Arg, kwargs: Kwargs, options?: Options]
  : {} extends Kwargs
    ? [args: Arg, kwargs?: Kwargs, options?: Options]
    : [args: Arg, kwargs: Kwargs, options?: Options];

/** The parameters after a procedure contract in `call`: args (or an Observable of them, one progressive CALL each), kwargs, options. */
export type CallPayload<T extends ProcedureTypes> = Payload<T['argsIn'], T['argsIn'] | Observable<T['argsIn']>, T['kwargsIn'], CallOptions>;

/** The parameters after a topic contract in `publish`: args, kwargs, options. */
export type PublishPayload<T extends TopicTypes> = Payload<T['argsIn'], T['argsIn'], T['kwargsIn'], PublishOptions>;

/** A procedure given by URI or by contract. */
export type ProcedureRef = string | ProcedureContract;

/** A topic given by URI or by contract. */
export type TopicRef = string | TopicContract;
