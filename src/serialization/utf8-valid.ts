/** ASCII runs at least this long are checked four bytes at a time. */
const WORDWISE_FROM = 64;

/**
 * Is `bytes[start, end)` well-formed UTF-8 (no overlong forms, surrogates or code points
 * above U+10FFFF)? What the decoders of other peers insist on before a router forwards a
 * string it has not decoded. Browser-safe (Node's `buffer.isUtf8` is not).
 */
export function isValidUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i = end - i >= WORDWISE_FROM ? asciiRunEnd(bytes, i, end) : i + 1;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) low = 0xa0;
      else if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) low = 0x90;
      else if (c === 0xf4) high = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return false;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Where a run of ASCII bytes starting at `i` ends, reading aligned words where it can. */
function asciiRunEnd(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && ((bytes.byteOffset + i) & 3) !== 0) {
    if (bytes[i]! >= 0x80) return i;
    i++;
  }
  const count = (end - i) >> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, count);
  let w = 0;
  while (w < count && (words[w]! & 0x80808080) === 0) w++;
  i += w * 4;
  while (i < end && bytes[i]! < 0x80) i++;
  return i;
}
