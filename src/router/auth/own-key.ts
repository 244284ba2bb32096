/**
 * The value of an own key of a config map: peers choose the authid, so `__proto__` or
 * `constructor` must not reach Object.prototype.
 */
export function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}
