import { asyncScheduler } from 'rxjs';
import type { Observer, SchedulerLike, Subscription } from 'rxjs';
import { serializerFor } from '../../serialization/registry.js';
import { Inbox } from '../inbox.js';
import type { TlsChannel } from '../tls-channel.js';
import type { Frame, Transport } from '../transport.js';
import { TransportError } from '../transport.js';
import type { ByteDuplex } from './byte-duplex.js';
import { FrameDecoder, FramingError, MAX_FRAME_PAYLOAD, RawSocketFrameType } from './framing.js';
import type { RawSocketFrame } from './framing.js';
import { frameChunks, messageChunks, messagePayload } from './message-bytes.js';

/** Send PINGs every `intervalMs`; fail the transport when a PONG takes longer than `timeoutMs`. */
export interface KeepaliveOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** What a RawSocket transport needs once the handshake has settled. */
export interface RawSocketTransportOptions {
  /** The serializer id both sides agreed on (1 JSON, 2 MessagePack, 3 CBOR). */
  readonly serializerId: number;
  /** The limit this side announced: a longer incoming frame fails the connection. */
  readonly maxIncomingMessageSize: number;
  /** The limit the peer announced: a longer outgoing message is refused. */
  readonly maxOutgoingMessageSize: number;
  /** Optional PING/PONG liveness check. */
  readonly keepalive?: KeepaliveOptions;
  /** Fail with `'slow_peer'` when more than this many bytes wait to be written. */
  readonly highWaterMark?: number;
  /** Bytes that arrived together with the handshake, to be read before `duplex.data$`. */
  readonly initialBytes?: Uint8Array;
  /** For keepalive timers (marble tests pass the TestScheduler). */
  readonly scheduler?: SchedulerLike;
}

/** The WebSocket subprotocol name for a RawSocket serializer id (`wamp.2.json` for 1). */
export function subprotocolForSerializerId(serializerId: number): string {
  return serializerFor(serializerId)?.subprotocol ?? `wamp.2.rawsocket-serializer-${serializerId}`;
}

class RawSocketTransport implements Transport {
  readonly protocol: string;
  readonly maxOutgoingMessageSize: number;
  readonly #duplex: ByteDuplex;
  readonly #decoder: FrameDecoder;
  readonly #inbox: Inbox;
  readonly #highWaterMark: number;
  #reading: Subscription | undefined;
  #keepalive: Subscription | undefined;
  #pongDeadline: Subscription | undefined;
  /** The sequence number of the PING awaiting its PONG. */
  #awaitingPong: number | undefined;
  #pingCount = 0;
  #closed = false;

  constructor(duplex: ByteDuplex, options: RawSocketTransportOptions) {
    this.#duplex = duplex;
    this.protocol = subprotocolForSerializerId(options.serializerId);
    this.maxOutgoingMessageSize = Math.min(options.maxOutgoingMessageSize, MAX_FRAME_PAYLOAD);
    this.#decoder = new FrameDecoder(Math.min(options.maxIncomingMessageSize, MAX_FRAME_PAYLOAD));
    this.#highWaterMark = options.highWaterMark ?? Infinity;
    this.#inbox = new Inbox(() => this.#closeCleanly());
    if (options.initialBytes !== undefined && options.initialBytes.length > 0) this.#receive(options.initialBytes);
    if (this.#inbox.ended) return;
    this.#reading = duplex.data$.subscribe({
      next: (chunk) => this.#receive(chunk),
      error: (err: unknown) => this.#fail('network', `connection to ${duplex.peer} failed: ${err instanceof Error ? err.message : String(err)}`, err),
      complete: () => this.#peerEnded(),
    });
    if (options.keepalive !== undefined && !this.#inbox.ended) this.#startKeepalive(options.keepalive, options.scheduler ?? asyncScheduler);
  }

  get tls(): TlsChannel | undefined {
    return this.#duplex.tls;
  }

  get peer(): string {
    return this.#duplex.peer;
  }

  get bufferedAmount(): number {
    return this.#closed ? 0 : this.#duplex.bufferedAmount;
  }

  get incoming$() {
    return this.#inbox.incoming$;
  }

  readonly outgoing: Observer<Frame> = {
    next: (frame) => this.#send(frame),
    complete: () => this.#closeCleanly(),
    error: () => {
      // RawSocket carries no close reason: abort the connection so the peer notices.
      if (this.#closed) return;
      this.#inbox.end(undefined);
      this.#shutDown(true);
    },
  };

  #send(frame: Frame): void {
    if (this.#closed) return;
    // Encoded once for all the receivers of a fan-out (message-bytes.ts).
    const bytes = messagePayload(frame);
    if (bytes.length > this.maxOutgoingMessageSize) {
      throw new TransportError(
        'too_large',
        `message of ${bytes.length} octets exceeds the maximum of ${this.maxOutgoingMessageSize} that ${this.peer} accepts; not sent`,
      );
    }
    this.#writeChunks(messageChunks(bytes));
  }

  #write(type: 0 | 1 | 2, payload: Uint8Array): void {
    this.#writeChunks(frameChunks(type, payload));
  }

  #writeChunks(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) this.#duplex.write(chunk);
    if (this.#duplex.bufferedAmount > this.#highWaterMark) {
      this.#fail('slow_peer', `${this.peer} is not reading: ${this.#duplex.bufferedAmount} bytes queued, over the high-water mark of ${this.#highWaterMark}`);
    }
  }

  #receive(chunk: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#decoder.push(chunk, (frame) => this.#onFrame(frame));
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.#fail(err.code, `${err.message} (from ${this.peer})`, err);
    }
  }

  #onFrame(frame: RawSocketFrame): void {
    if (this.#closed) return;
    switch (frame.type) {
      case RawSocketFrameType.message:
        this.#inbox.push(frame.payload);
        break;
      case RawSocketFrameType.ping:
        this.#write(RawSocketFrameType.pong, frame.payload);
        break;
      case RawSocketFrameType.pong:
        if (this.#awaitingPong !== undefined && frame.payload.length === 4 && readUint32(frame.payload) === this.#awaitingPong) {
          this.#awaitingPong = undefined;
        }
        break;
    }
  }

  #startKeepalive(options: KeepaliveOptions, scheduler: SchedulerLike): void {
    const transport = this;
    this.#keepalive = scheduler.schedule(function tick() {
      if (transport.#closed) return;
      if (transport.#awaitingPong === undefined) transport.#ping(options.timeoutMs, scheduler);
      this.schedule(undefined, options.intervalMs);
    }, options.intervalMs);
  }

  /** Sends one keepalive PING and arms the deadline for its PONG. */
  #ping(timeoutMs: number, scheduler: SchedulerLike): void {
    const seq = (this.#pingCount = (this.#pingCount + 1) >>> 0);
    this.#awaitingPong = seq;
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, seq);
    this.#write(RawSocketFrameType.ping, payload);
    this.#pongDeadline?.unsubscribe();
    this.#pongDeadline = scheduler.schedule(() => {
      if (this.#awaitingPong === seq) this.#fail('keepalive', `no PONG from ${this.peer} within ${timeoutMs} ms`);
    }, timeoutMs);
  }

  #peerEnded(): void {
    if (this.#closed) return;
    if (!this.#decoder.idle) {
      this.#fail('closed', `${this.peer} closed the connection in the middle of a frame`);
      return;
    }
    this.#inbox.end(undefined);
    this.#shutDown(false);
  }

  #closeCleanly(): void {
    if (this.#closed) return;
    this.#inbox.end(undefined);
    this.#shutDown(false);
  }

  #fail(code: string, message: string, cause?: unknown): void {
    if (this.#closed) return;
    this.#inbox.end(new TransportError(code, message, cause === undefined ? undefined : { cause }));
    this.#shutDown(true);
  }

  #shutDown(abort: boolean): void {
    this.#closed = true;
    this.#keepalive?.unsubscribe();
    this.#pongDeadline?.unsubscribe();
    this.#awaitingPong = undefined;
    if (abort) {
      this.#reading?.unsubscribe();
      this.#duplex.destroy();
    } else {
      // Keep reading (and discarding) so that the peer's end of the stream is seen.
      this.#duplex.end();
    }
  }
}

function readUint32(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/**
 * A Transport over an injected byte duplex that has completed the RawSocket handshake:
 * frames messages, answers each PING with one PONG echoing its payload, enforces both
 * size limits, and optionally checks liveness with PINGs.
 *
 * `outgoing.next` throws a TransportError `'too_large'` (and sends nothing) for a message
 * over the peer's limit; check `maxOutgoingMessageSize` first to avoid it.
 */
export function rawSocketTransport(duplex: ByteDuplex, options: RawSocketTransportOptions): Transport {
  return new RawSocketTransport(duplex, options);
}
