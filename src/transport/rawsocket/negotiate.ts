import { Observable } from 'rxjs';
import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import type { Transport } from '../transport.js';
import { TransportError } from '../transport.js';
import type { ByteDuplex } from './byte-duplex.js';
import {
  answerHandshake,
  decodeHandshake,
  encodeHandshake,
  handshakeErrorReason,
  lengthExponentFor,
  maxMessageSizeOf,
  RAWSOCKET_MAX_MESSAGE_SIZE,
  RawSocketHandshakeError,
} from './handshake.js';
import type { KeepaliveOptions } from './transport.js';
import { rawSocketTransport } from './transport.js';

/** Options shared by both ends of a RawSocket handshake. */
export interface RawSocketPeerOptions {
  /** The largest message this side accepts; announced as 2^(9+L) rounded down (default 16 MiB). */
  readonly maxMessageSize?: number;
  /** Optional PING/PONG liveness check on the resulting transport. */
  readonly keepalive?: KeepaliveOptions;
  /** Fail the transport with `'slow_peer'` beyond this many queued bytes. */
  readonly highWaterMark?: number;
  /** For keepalive timers. */
  readonly scheduler?: SchedulerLike;
}

/** A client's handshake options: the serializer it asks for. */
export interface RawSocketClientOptions extends RawSocketPeerOptions {
  /** 1 JSON, 2 MessagePack, 3 CBOR. */
  readonly serializerId: number;
}

/** A router's handshake options: the serializers it speaks. */
export interface RawSocketServerOptions extends RawSocketPeerOptions {
  /** The serializer ids accepted (default 1, 2, 3). */
  readonly serializerIds?: readonly number[];
  /** Refuse a valid request with this error code (4: maximum connection count reached). */
  readonly refuseWith?: number;
}

const HANDSHAKE_SIZE = 4;

/**
 * Reads the 4 handshake octets from `duplex`, then calls `settle` with them and whatever
 * followed; `settle` runs after the read subscription ended, so it can hand the duplex on.
 */
function readHandshake(
  duplex: ByteDuplex,
  subscriber: Subscriber<Transport>,
  settle: (handshake: Uint8Array, rest: Uint8Array) => void,
): () => void {
  const received = new Uint8Array(HANDSHAKE_SIZE);
  let fill = 0;
  let done = false;
  /** Bytes after the handshake, collected only while data$ emits synchronously on subscribe. */
  let rest: Uint8Array[] | undefined;
  let reading: Subscription | undefined;
  reading = duplex.data$.subscribe({
    next: (chunk) => {
      if (rest !== undefined) {
        rest.push(chunk);
        return;
      }
      if (done) return;
      const take = Math.min(HANDSHAKE_SIZE - fill, chunk.length);
      received.set(chunk.subarray(0, take), fill);
      fill += take;
      if (fill < HANDSHAKE_SIZE) return;
      done = true;
      if (reading === undefined) {
        rest = [chunk.subarray(take)];
        return;
      }
      reading.unsubscribe();
      settle(received, chunk.subarray(take));
    },
    error: (err: unknown) => {
      if (done) return;
      done = true;
      duplex.destroy();
      const reason = err instanceof Error ? err.message : String(err);
      subscriber.error(new TransportError('handshake', `connection to ${duplex.peer} failed during the RawSocket handshake: ${reason}`, { cause: err }));
    },
    complete: () => {
      if (done) return;
      done = true;
      duplex.destroy();
      subscriber.error(new TransportError('handshake', `${duplex.peer} closed the connection during the RawSocket handshake`));
    },
  });
  if (rest !== undefined) {
    // The handshake arrived synchronously: hand the duplex on only once this read has ended.
    reading.unsubscribe();
    settle(received, concat(rest));
  }
  return () => {
    if (!done) {
      done = true;
      reading?.unsubscribe();
      duplex.destroy();
    }
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The client side of the RawSocket handshake over `duplex`: sends the request, reads the
 * router's reply, then emits the Transport once and completes. Errors with a
 * TransportError `'handshake'` when refused; unsubscribing before that destroys the duplex.
 */
export function rawSocketClientHandshake(duplex: ByteDuplex, options: RawSocketClientOptions): Observable<Transport> {
  return new Observable<Transport>((subscriber) => {
    const lengthExponent = lengthExponentFor(options.maxMessageSize ?? RAWSOCKET_MAX_MESSAGE_SIZE);
    const stop = readHandshake(duplex, subscriber, (reply, rest) => {
      const refuse = (message: string): void => {
        duplex.destroy();
        subscriber.error(new TransportError('handshake', message));
      };
      let answer;
      try {
        answer = decodeHandshake(reply);
      } catch (err) {
        refuse(`${duplex.peer} sent an invalid RawSocket handshake reply: ${(err as RawSocketHandshakeError).message}`);
        return;
      }
      if (answer.kind === 'error') {
        refuse(`${duplex.peer} refused the RawSocket handshake: error ${answer.code}, ${answer.reason}`);
        return;
      }
      if (answer.serializerId !== options.serializerId) {
        refuse(`${duplex.peer} answered with serializer ${answer.serializerId}, not the requested ${options.serializerId}`);
        return;
      }
      subscriber.next(
        rawSocketTransport(duplex, {
          ...transportOptions(options),
          serializerId: answer.serializerId,
          maxIncomingMessageSize: maxMessageSizeOf(lengthExponent),
          maxOutgoingMessageSize: answer.maxMessageSize,
          initialBytes: rest,
        }),
      );
      subscriber.complete();
    });
    duplex.write(encodeHandshake(options.serializerId, lengthExponent));
    return stop;
  });
}

/**
 * The router side of the RawSocket handshake over `duplex`: reads the request, answers
 * it, then emits the Transport once and completes. A refused request gets its error
 * reply (none for a wrong magic octet), the duplex is closed, and the Observable errors
 * with a TransportError `'handshake'` whose message names the error code.
 */
export function rawSocketServerHandshake(duplex: ByteDuplex, options: RawSocketServerOptions = {}): Observable<Transport> {
  return new Observable<Transport>((subscriber) => {
    const lengthExponent = lengthExponentFor(options.maxMessageSize ?? RAWSOCKET_MAX_MESSAGE_SIZE);
    return readHandshake(duplex, subscriber, (request, rest) => {
      const answer = answerHandshake(request, {
        serializerIds: options.serializerIds ?? [1, 2, 3],
        lengthExponent,
        ...(options.refuseWith === undefined ? {} : { refuseWith: options.refuseWith }),
      });
      if (!answer.accepted) {
        if (answer.reply === undefined) duplex.destroy();
        else {
          duplex.write(answer.reply);
          duplex.end();
        }
        const what = answer.reply === undefined ? 'closed without reply' : `answered error ${answer.code}, ${handshakeErrorReason(answer.code)}`;
        subscriber.error(new TransportError('handshake', `refused the RawSocket handshake of ${duplex.peer} (${answer.reason}): ${what}`));
        return;
      }
      duplex.write(answer.reply);
      subscriber.next(
        rawSocketTransport(duplex, {
          ...transportOptions(options),
          serializerId: answer.serializerId,
          maxIncomingMessageSize: maxMessageSizeOf(lengthExponent),
          maxOutgoingMessageSize: answer.peerMaxMessageSize,
          initialBytes: rest,
        }),
      );
      subscriber.complete();
    });
  });
}

function transportOptions(options: RawSocketPeerOptions): { keepalive?: KeepaliveOptions; highWaterMark?: number; scheduler?: SchedulerLike } {
  return {
    ...(options.keepalive === undefined ? {} : { keepalive: options.keepalive }),
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  };
}
