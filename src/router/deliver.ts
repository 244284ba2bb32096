import type { Observer } from 'rxjs';
import type { WampMessage } from '../protocol/message.js';
import type { Serializer } from '../serialization/serializer.js';
import type { Frame } from '../transport/transport.js';
import type { Logger } from './logger.js';
import type { Routed } from './routed.js';
import type { RealmStats } from './router-stats.js';

/**
 * The last stage: hands each outbound message to its session. A fanout is serialized
 * once per serializer in use among its receivers, however many receivers there are.
 * With `stats`, each EVENT handed to a receiver counts as delivered.
 */
export function deliver(logger: Logger, stats?: RealmStats): Observer<Routed> {
  return {
    next(routed) {
      switch (routed.kind) {
        case 'out':
          if (routed.session.open) routed.session.send(routed.message);
          return;
        case 'fanout': {
          // Most realms use one or two serializations: a short list beats a Map here. Keyed
          // by the serialization's id, not the instance: every session has its own serializer.
          let serializers: string[] | undefined;
          let frames: Array<Frame | undefined> | undefined;
          let delivered = 0;
          for (const session of routed.sessions) {
            if (session === routed.except || !session.open) continue;
            const serializer = session.serializer;
            let at = serializers === undefined ? -1 : serializers.indexOf(serializer.id);
            if (at < 0) {
              (serializers ??= []).push(serializer.id);
              (frames ??= []).push(encodeOrLog(serializer, routed.message, logger));
              at = serializers.length - 1;
            }
            const frame = frames![at];
            if (frame !== undefined) {
              session.sendFrame(frame);
              delivered++;
            }
          }
          if (stats !== undefined) stats.delivered += delivered;
          return;
        }
        case 'in':
          logger.log('debug', 'unhandled_message', { session: routed.session.id, type: routed.message.name });
          return;
        default:
          return;
      }
    },
    error(error: unknown) {
      logger.log('error', 'pipeline_failure', { error: error instanceof Error ? error.message : String(error) });
    },
    complete() {},
  };
}

/** Encodes a fanout message; one that this serialization cannot carry (a CBOR BigInt in JSON) is logged and dropped. */
function encodeOrLog(serializer: Serializer, message: WampMessage, logger: Logger): Frame | undefined {
  try {
    return serializer.encode(message);
  } catch (error) {
    logger.log('warn', 'encode_failed', { type: message.name, serializer: serializer.id, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
