/**
 * The UTF-8 bytes of a text frame, encoded once for every receiver of a fan-out. The
 * router serializes an EVENT once per serialization and hands the same string to each
 * subscriber's socket; given a string, `ws` (and Node's `writev`) would UTF-8-encode it
 * again for every one of them. A `Buffer` is written as it is, so the receivers share one.
 *
 * One entry: the receivers of a fan-out get their frame one after the other, in the same
 * synchronous loop. The entry is dropped at the end of the current task, so that a large
 * frame is not kept alive after it was written.
 */
let lastText: string | undefined;
let lastBytes: Buffer | undefined;
let dropScheduled = false;

function drop(): void {
  lastText = undefined;
  lastBytes = undefined;
  dropScheduled = false;
}

/** The UTF-8 bytes of `text`: the same `Buffer` as for the previous call when the text is the same. */
export function textFrameBytes(text: string): Buffer {
  if (text === lastText) return lastBytes!;
  const bytes = Buffer.from(text, 'utf8');
  lastText = text;
  lastBytes = bytes;
  if (!dropScheduled) {
    dropScheduled = true;
    queueMicrotask(drop);
  }
  return bytes;
}
