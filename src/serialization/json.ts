import { ProtocolViolation } from '../protocol/errors.js';
import { takeEncodedTail } from '../protocol/lazy-arguments.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { withLazyArguments } from './forwarding.js';
import { bytesReplacer, containsBytes, revive } from './json-bytes.js';
import { splitJson } from './json-spans.js';
import type { DecodeOptions, Serializer } from './serializer.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON serialization (`wamp.2.json`, RawSocket id 1), with WAMP's binary convention both ways. */
export class JsonSerializer implements Serializer {
  readonly id = 'json' as const;
  readonly subprotocol = 'wamp.2.json';
  readonly rawSocketId = 1;
  readonly binary = false;

  encode(message: WampMessage): string {
    const array = message.toArray();
    // Arguments that arrived as JSON text go out as that text, unparsed and unchanged.
    const tail = takeEncodedTail(array, this.id);
    const text = containsBytes(array) ? JSON.stringify(array, bytesReplacer) : JSON.stringify(array);
    return tail === undefined ? text : `${text.slice(0, -1)},${tail.join(',')}]`;
  }

  decode(frame: string | Uint8Array, options?: DecodeOptions): WampMessage {
    let text: string;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
    } catch (e) {
      throw invalid(e);
    }
    if (options?.lazyArgumentsFrom !== undefined && text.length >= options.lazyArgumentsFrom) {
      const split = splitJson(text);
      if (split !== undefined) return messageFromArray(withLazyArguments(parse(split.envelope) as unknown[], split.args, split.kwargs));
    }
    return messageFromArray(parse(text));
  }
}

function parse(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid(e);
  }
  // Only text that escapes U+0000 can hold bytes: skip the walk for everything else.
  return text.includes('\\u0000') ? revive(parsed) : parsed;
}

function invalid(e: unknown): ProtocolViolation {
  return new ProtocolViolation(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
}
