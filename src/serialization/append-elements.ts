/**
 * Appends encoded elements to an encoded array whose header is one byte, `marker | count`
 * (MessagePack's fixarray 0x90, CBOR's 0x80: WAMP messages have at most 7 elements).
 */
export function appendElements(array: Uint8Array, tail: readonly Uint8Array[], marker: number, mask: number): Uint8Array {
  const count = (array[0]! & mask) + tail.length;
  if ((array[0]! & ~mask) !== marker || count > mask) throw new Error('an array of a WAMP message must have a one-byte header');
  let length = array.length;
  for (const part of tail) length += part.length;
  const out = new Uint8Array(length);
  out.set(array);
  out[0] = marker | count;
  let at = array.length;
  for (const part of tail) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
