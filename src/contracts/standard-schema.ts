// The Standard Schema v1 interface (https://standardschema.dev), declared here rather than
// imported so that rxwamp depends on no validator and no types package: zod, valibot,
// arktype and a hand-written object all fit it structurally.

/** A validator in the Standard Schema v1 form: everything sits under its `~standard` key. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The `~standard` property of a Standard Schema. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** Always 1. */
  readonly version: 1;
  /** The library, e.g. `'zod'`. */
  readonly vendor: string;
  /** Validates a value: synchronously, or with a Promise for asynchronous checks. */
  readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Types only: the schema's input and output. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** What `validate` gives: the (possibly transformed) value, or the issues. */
export type StandardSchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/** One problem a schema found. */
export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The type a schema accepts (`unknown` when it declares no types). */
export type InferInput<S extends StandardSchemaV1> = S['~standard'] extends { readonly types?: infer T } ? (T extends { readonly input: infer I } ? I : unknown) : unknown;

/** The type a schema gives back (`unknown` when it declares no types). */
export type InferOutput<S extends StandardSchemaV1> = S['~standard'] extends { readonly types?: infer T } ? (T extends { readonly output: infer O } ? O : unknown) : unknown;
