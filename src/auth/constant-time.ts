const utf8 = new TextEncoder();

/**
 * Compares two byte arrays in time that depends only on their lengths, not on where they
 * differ, so a remote peer cannot learn a secret byte by byte from response timing.
 * Pass the expected (secret) value first: the loop runs over its length.
 */
export function constantTimeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  // Loop over the first (expected) length even on a mismatch: only lengths affect timing.
  const n = a.length;
  const m = b.length;
  let diff = n ^ m;
  for (let i = 0; i < n; i++) diff |= a[i]! ^ (i < m ? b[i]! : 0);
  return diff === 0;
}

/** Compares two strings (as UTF-8) in constant time; see {@link constantTimeEqualBytes}. */
export function constantTimeEqualStrings(a: string, b: string): boolean {
  return constantTimeEqualBytes(utf8.encode(a), utf8.encode(b));
}
