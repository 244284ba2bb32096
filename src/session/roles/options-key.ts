import type { Dict } from '../../protocol/dict.js';

/** A stable key for an options dictionary (key order does not matter), for sharing per topic+options. */
export function optionsKey(options: Dict): string {
  const keys = Object.keys(options).filter((k) => options[k] != null).sort();
  let key = '';
  for (const k of keys) key += `${k}=${JSON.stringify(options[k])};`;
  return key;
}

/** The options without undefined or null entries (never a nil on the wire) and without the client-only (camelCase) ones. */
export function wireOptions(options: Dict, clientOnly: readonly string[] = []): Dict {
  const out: Dict = {};
  for (const k in options) if (options[k] != null && !clientOnly.includes(k)) out[k] = options[k];
  return out;
}
