/** A WAMP dictionary (Details, Options, ArgumentsKw, …): string keys, any serializable values. */
export type Dict = Record<string, unknown>;

/** True for a plain dictionary: an object that is neither null, an array nor a byte array. */
export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** True for a dictionary with no keys, without allocating a key array. */
export function isEmptyDict(value: Dict): boolean {
  for (const _ in value) return false;
  return true;
}
