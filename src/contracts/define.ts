import type { Dict } from '../protocol/dict.js';
import type { ProcedureChecks, ProcedureContract, TopicChecks, TopicContract } from '../session/contract.js';
import { ContractErrors, payloadCheck, valueCheck } from './checks.js';
import type { InferInput, InferOutput, StandardSchemaV1 } from './standard-schema.js';

/** The schemas of a procedure, each a Standard Schema v1 validator (zod, valibot, arktype, or your own). */
export interface ProcedureSchemas {
  /** The positional arguments, as one array (a tuple schema). */
  readonly args?: StandardSchemaV1<readonly unknown[], readonly unknown[]>;
  /** The keyword arguments, as one object. */
  readonly kwargs?: StandardSchemaV1<object, object>;
  /** The result: the value the handler returns (RESULT.Arguments[0]). */
  readonly result?: StandardSchemaV1;
  /** Each progressive result; the `result` schema when absent. */
  readonly progress?: StandardSchemaV1;
}

/** The schemas of a topic's events. */
export interface TopicSchemas {
  /** The positional arguments, as one array (a tuple schema). */
  readonly args?: StandardSchemaV1<readonly unknown[], readonly unknown[]>;
  /** The keyword arguments, as one object. */
  readonly kwargs?: StandardSchemaV1<object, object>;
}

/** The types of a procedure without schemas: `defineProcedure<{ args: [number, number]; result: number }>(uri)`. */
export interface ProcedureShape {
  readonly args?: readonly unknown[];
  readonly kwargs?: object;
  readonly result?: unknown;
  readonly progress?: unknown;
}

/** The types of a topic without schemas: `defineTopic<{ args: [string, number] }>(uri)`. */
export interface TopicShape {
  readonly args?: readonly unknown[];
  readonly kwargs?: object;
}

// A key without a schema, or a schema that declares no types, leaves its part open (`Else`).
type Known<T, Else> = unknown extends T ? Else : T;
type In<S, K extends string, Else> = S extends { readonly [P in K]: infer X extends StandardSchemaV1 } ? Known<InferInput<X>, Else> : Else;
type Out<S, K extends string, Else> = S extends { readonly [P in K]: infer X extends StandardSchemaV1 } ? Known<InferOutput<X>, Else> : Else;
type Given<S, K extends string, Else> = S extends { readonly [P in K]: infer X } ? X : Else;
type GivenArgs<S> = S extends { readonly args: infer X extends readonly unknown[] } ? X : unknown[];
type GivenKwargs<S> = S extends { readonly kwargs: infer X extends object } ? X : Dict;

/** The types of a procedure declared by schemas. */
export interface ProcedureTypesOf<S extends ProcedureSchemas> {
  readonly argsIn: In<S, 'args', unknown[]>;
  readonly argsOut: Out<S, 'args', unknown[]>;
  readonly kwargsIn: In<S, 'kwargs', Dict>;
  readonly kwargsOut: Out<S, 'kwargs', Dict>;
  readonly resultIn: In<S, 'result', unknown>;
  readonly resultOut: Out<S, 'result', unknown>;
  readonly progressIn: In<S, 'progress', In<S, 'result', unknown>>;
  readonly progressOut: Out<S, 'progress', Out<S, 'result', unknown>>;
}

/** The types of a procedure declared by type arguments. */
export interface ProcedureTypesOfShape<S extends ProcedureShape> {
  readonly argsIn: GivenArgs<S>;
  readonly argsOut: GivenArgs<S>;
  readonly kwargsIn: GivenKwargs<S>;
  readonly kwargsOut: GivenKwargs<S>;
  readonly resultIn: Given<S, 'result', unknown>;
  readonly resultOut: Given<S, 'result', unknown>;
  readonly progressIn: Given<S, 'progress', Given<S, 'result', unknown>>;
  readonly progressOut: Given<S, 'progress', Given<S, 'result', unknown>>;
}

/** The types of a topic declared by schemas. */
export interface TopicTypesOf<S extends TopicSchemas> {
  readonly argsIn: In<S, 'args', unknown[]>;
  readonly argsOut: Out<S, 'args', unknown[]>;
  readonly kwargsIn: In<S, 'kwargs', Dict>;
  readonly kwargsOut: Out<S, 'kwargs', Dict>;
}

/** The types of a topic declared by type arguments. */
export interface TopicTypesOfShape<S extends TopicShape> {
  readonly argsIn: GivenArgs<S>;
  readonly argsOut: GivenArgs<S>;
  readonly kwargsIn: GivenKwargs<S>;
  readonly kwargsOut: GivenKwargs<S>;
}

/**
 * Declares a procedure once for its callers and its callees. With schemas, both ends check
 * at run time what they send and receive; with type arguments only, they are checked at
 * compile time alone: `defineProcedure<{ args: [number, number]; result: number }>('com.example.add')`.
 */
export function defineProcedure<S extends ProcedureShape = Record<never, never>>(uri: string): ProcedureContract<ProcedureTypesOfShape<S>>;
export function defineProcedure<S extends ProcedureSchemas>(uri: string, schemas: S): ProcedureContract<ProcedureTypesOf<S>>;
export function defineProcedure(uri: string, schemas: ProcedureSchemas = {}): ProcedureContract {
  const checks: { -readonly [K in keyof ProcedureChecks]: ProcedureChecks[K] } = {};
  const call = payloadCheck({ uri, error: ContractErrors.invalidArgument, what: 'call arguments' }, schemas.args, schemas.kwargs);
  const result = valueCheck({ uri, error: ContractErrors.invalidResult, what: 'result' }, schemas.result);
  const progress = valueCheck({ uri, error: ContractErrors.invalidResult, what: 'progressive result' }, schemas.progress ?? schemas.result);
  if (call !== undefined) checks.call = call;
  if (result !== undefined) checks.result = result;
  if (progress !== undefined) checks.progress = progress;
  return Object.freeze({ kind: 'procedure', uri, checks: Object.freeze(checks) });
}

/**
 * Declares a topic once for its publishers and subscribers. With schemas, a publication is
 * checked before it is sent and every EVENT before a subscriber sees it; type arguments
 * alone type both ends: `defineTopic<{ args: [string, number] }>('com.example.ticker')`.
 */
export function defineTopic<S extends TopicShape = Record<never, never>>(uri: string): TopicContract<TopicTypesOfShape<S>>;
export function defineTopic<S extends TopicSchemas>(uri: string, schemas: S): TopicContract<TopicTypesOf<S>>;
export function defineTopic(uri: string, schemas: TopicSchemas = {}): TopicContract {
  const checks: { -readonly [K in keyof TopicChecks]: TopicChecks[K] } = {};
  const publish = payloadCheck({ uri, error: ContractErrors.invalidArgument, what: 'publication arguments' }, schemas.args, schemas.kwargs);
  const event = payloadCheck({ uri, error: ContractErrors.invalidEvent, what: 'event' }, schemas.args, schemas.kwargs);
  if (publish !== undefined) checks.publish = publish;
  if (event !== undefined) checks.event = event;
  return Object.freeze({ kind: 'topic', uri, checks: Object.freeze(checks) });
}
