import type { Dict } from './dict.js';

/** The four ppt_ keys, in the order the specification lists them. */
export const PPT_KEYS = ['ppt_scheme', 'ppt_serializer', 'ppt_cipher', 'ppt_keyid'] as const;

/** Copies the ppt_ attributes of `from` into `to` (the router forwards them unread, as the specification asks). */
export function copyPptKeys(from: Dict, to: Dict): void {
  if (from['ppt_scheme'] === undefined) return;
  for (const key of PPT_KEYS) if (from[key] !== undefined) to[key] = from[key];
}
