import type { Dict } from '../protocol/dict.js';
import { lazyDict, lazyList } from '../protocol/lazy-arguments.js';
import { createMessage } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { splitCbor } from './cbor-spans.js';
import { splitJson } from './json-spans.js';
import { splitMsgpack } from './msgpack-spans.js';
import type { Serializer } from './serializer.js';
import type { FrameSplit } from './spans.js';

/**
 * From this frame size on (octets, or UTF-16 units for JSON text), a router keeps
 * Arguments encoded. Measured with `npm run bench:forwarding` (CPU per CALL forwarded):
 * around 300 octets the scan, the envelope decoded apart and the proxies cost more than
 * decoding and re-encoding (JSON 2 to 5 times more); from about 1 KiB they cost less, or as
 * much (one long CBOR string, whose decode and encode are native copies). 4 KiB leaves a
 * margin above the break-even, and keeps the small messages of the hot path on the plain decode.
 */
export const LAZY_ARGUMENTS_FROM = 4 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a frame a router will forward. In frames of at least `lazyFrom` octets, the
 * Arguments and ArgumentsKw of CALL, YIELD, PUBLISH and ERROR are checked but stay encoded
 * until something reads them, and a serializer of the same kind writes them out unchanged.
 * Everything else (and anything the scanner does not vouch for) is decoded by `serializer`
 * as usual, with its errors. Lives apart from the serializers so that clients, which read
 * every argument, do not carry the scanners.
 */
export function decodeForwarding(serializer: Serializer, frame: string | Uint8Array, lazyFrom = LAZY_ARGUMENTS_FROM): WampMessage {
  if (frame.length < lazyFrom) return serializer.decode(frame);
  let split: FrameSplit<string | Uint8Array> | undefined;
  if (serializer.id === 'json') {
    let text: string;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
    } catch {
      return serializer.decode(frame);
    }
    split = splitJson(text);
    if (split === undefined) return serializer.decode(text);
  } else if (typeof frame !== 'string') {
    split = serializer.id === 'msgpack' ? splitMsgpack(frame) : splitCbor(frame);
  }
  if (split === undefined) return serializer.decode(frame);
  // The envelope alone is a valid message (Arguments are optional): decode it like every other frame.
  const envelope = serializer.decode(split.envelope);
  const fields: Dict = { ...envelope.fields, Arguments: lazyList(split.args) };
  if (split.kwargs !== undefined) fields['ArgumentsKw'] = lazyDict(split.kwargs);
  return createMessage(envelope.name, fields as never) as WampMessage;
}
