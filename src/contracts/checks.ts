import type { Dict } from '../protocol/dict.js';
import { WampError } from '../protocol/errors.js';
import type { CheckOutcome, PayloadCheck } from '../session/contract.js';
import { describeIssues, issuesAt } from './issues.js';
import type { ContractIssue } from './issues.js';
import type { StandardSchemaResult, StandardSchemaV1 } from './standard-schema.js';

/** Error URIs of failed contract checks. */
export const ContractErrors = {
  /** Call or publication arguments a schema refused: the callee answers with it too. */
  invalidArgument: 'wamp.error.invalid_argument',
  /** A (progressive) result the procedure's `result` or `progress` schema refused, on the caller. */
  invalidResult: 'rxwamp.error.invalid_result',
  /** An EVENT the topic's schemas refused, on the subscriber. */
  invalidEvent: 'rxwamp.error.invalid_event',
} as const;

type Validated = StandardSchemaResult<unknown>;

/** Where a check runs, for its error: the error URI and what was checked. */
interface Subject {
  readonly uri: string;
  readonly error: string;
  readonly what: string;
}

function outcome(subject: Subject, issues: ContractIssue[], args: unknown[], kwargs: Dict): CheckOutcome {
  if (issues.length === 0) return { args, kwargs };
  const message = `${subject.uri}: invalid ${subject.what}: ${describeIssues(issues)}`;
  return { error: new WampError(subject.error, [message], { issues }) };
}

const passThrough = (value: unknown): Validated => ({ value });

function validator(schema: StandardSchemaV1 | undefined): (value: unknown) => Validated | Promise<Validated> {
  return schema === undefined ? passThrough : schema['~standard'].validate;
}

function isPromise(value: Validated | Promise<Validated>): value is Promise<Validated> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** Checks args and kwargs against their schemas (either may be absent); undefined when both are. */
export function payloadCheck(subject: Subject, argsSchema: StandardSchemaV1 | undefined, kwargsSchema: StandardSchemaV1 | undefined): PayloadCheck | undefined {
  if (argsSchema === undefined && kwargsSchema === undefined) return undefined;
  const validateArgs = validator(argsSchema);
  const validateKwargs = validator(kwargsSchema);
  const settle = (a: Validated, k: Validated): CheckOutcome => {
    const issues = [...(a.issues === undefined ? [] : issuesAt(['args'], a.issues)), ...(k.issues === undefined ? [] : issuesAt(['kwargs'], k.issues))];
    return outcome(subject, issues, a.issues === undefined ? (a.value as unknown[]) : [], k.issues === undefined ? (k.value as Dict) : {});
  };
  return (args, kwargs) => {
    const a = validateArgs(args);
    const k = validateKwargs(kwargs);
    if (isPromise(a) || isPromise(k)) return Promise.all([a, k]).then(([av, kv]) => settle(av, kv));
    return settle(a, k);
  };
}

/** Checks a result's single value (`args[0]`) against a schema; undefined without one. */
export function valueCheck(subject: Subject, schema: StandardSchemaV1 | undefined): PayloadCheck | undefined {
  if (schema === undefined) return undefined;
  const validate = schema['~standard'].validate;
  return (args, kwargs) => {
    const settle = (v: Validated): CheckOutcome => {
      if (v.issues !== undefined) return outcome(subject, issuesAt(['args', 0], v.issues), [], kwargs);
      return outcome(subject, [], args.length === 0 && v.value === undefined ? [] : [v.value], kwargs);
    };
    const v = validate(args[0]);
    return isPromise(v) ? v.then(settle) : settle(v);
  };
}
