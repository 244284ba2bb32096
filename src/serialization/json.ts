import { ProtocolViolation } from '../protocol/errors.js';
import { takeEncodedTail } from '../protocol/lazy-arguments.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import { bytesReplacer, containsBytes, revive } from './json-bytes.js';
import type { Serializer } from './serializer.js';

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

  decode(frame: string | Uint8Array): WampMessage {
    let text: string;
    let parsed: unknown;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ProtocolViolation(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Only text that escapes U+0000 can hold bytes: skip the walk for everything else.
    if (text.includes('\\u0000')) parsed = revive(parsed);
    return messageFromArray(parsed);
  }
}
