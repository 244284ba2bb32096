import type { Observable } from 'rxjs';
import { Inbox } from './inbox.js';
import type { Frame, Transport } from './transport.js';
import { TransportError } from './transport.js';

/** A `message` event as every postMessage channel delivers it. */
export interface MessageEventLike {
  readonly data: unknown;
  readonly origin?: string;
}

/**
 * What {@link messagePortTransport} needs of a channel: `postMessage` and `message` events.
 * A `MessagePort` (from a `MessageChannel`, or Node's `worker_threads`), a `Worker`, a
 * worker's `self`, a `BroadcastChannel`, a `Window` or `iframe.contentWindow`, Electron's
 * `MessagePortMain`-like wrappers: all have this shape.
 */
export interface MessageChannelLike {
  /** Posts one message (a Window also takes the target origin; other channels take no second argument). */
  postMessage(message: unknown, ...rest: never[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEventLike) => void): void;
  removeEventListener(type: 'message' | 'messageerror', listener: (event: MessageEventLike) => void): void;
  /** MessagePort: starts delivery (addEventListener does not, unlike `onmessage`). */
  start?(): void;
}

/** Options of {@link messagePortTransport}. */
export interface MessagePortTransportOptions {
  /** The serialization the frames are in (default `wamp.2.json`); both ends must agree. */
  readonly protocol?: string;
  /** For a `Window`: the origin to post to, and the only origin whose messages are read (default `'*'`, any). */
  readonly targetOrigin?: string;
  /** A description of the peer for logs (default `'message-port'`). */
  readonly peer?: string;
}

/** The in-band message that ends the connection: a postMessage channel has no close of its own. */
interface CloseSignal {
  readonly rxwamp: 'close';
  readonly error?: string;
}

function isCloseSignal(data: unknown): data is CloseSignal {
  return typeof data === 'object' && data !== null && (data as { rxwamp?: unknown }).rxwamp === 'close';
}

/** A frame as it arrives after the structured clone: text, or bytes in whatever view. */
function frameOf(data: unknown): Frame | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** Channels that are ours to close once the connection ends (never a Window or a worker's own scope). */
function closable(channel: MessageChannelLike): { close(): void } | undefined {
  const g = globalThis as { MessagePort?: abstract new (...args: never[]) => unknown; BroadcastChannel?: abstract new (...args: never[]) => unknown };
  if ((g.MessagePort !== undefined && channel instanceof g.MessagePort) || (g.BroadcastChannel !== undefined && channel instanceof g.BroadcastChannel)) {
    return channel as unknown as { close(): void };
  }
  return undefined;
}

class MessagePortTransport implements Transport {
  readonly protocol: string;
  readonly peer: string;
  readonly bufferedAmount = 0;
  readonly maxOutgoingMessageSize = Infinity;
  readonly #channel: MessageChannelLike;
  readonly #targetOrigin: string | undefined;
  readonly #inbox: Inbox;
  #closed = false;

  constructor(channel: MessageChannelLike, options: MessagePortTransportOptions) {
    this.#channel = channel;
    this.protocol = options.protocol ?? 'wamp.2.json';
    this.peer = options.peer ?? 'message-port';
    this.#targetOrigin = options.targetOrigin;
    this.#inbox = new Inbox(() => this.#close(undefined));
    channel.addEventListener('message', this.#onMessage);
    channel.addEventListener('messageerror', this.#onMessageError);
    channel.start?.();
  }

  /** Frames from the peer (single consumer; frames that come early are held). */
  get incoming$(): Observable<Frame> {
    return this.#inbox.incoming$;
  }

  readonly outgoing = {
    next: (frame: Frame): void => {
      if (this.#closed) return;
      // A view into a larger buffer would clone all of it (and whatever else it holds).
      const data = typeof frame !== 'string' && (frame.byteOffset !== 0 || frame.byteLength !== frame.buffer.byteLength) ? frame.slice() : frame;
      this.#post(data);
    },
    complete: (): void => this.#close(undefined),
    error: (err: unknown): void => this.#close(err instanceof Error ? err.message : String(err)),
  };

  readonly #onMessage = (event: MessageEventLike): void => {
    if (this.#closed) return;
    const origin = this.#targetOrigin;
    if (origin !== undefined && origin !== '*' && event.origin !== undefined && event.origin !== origin) return;
    const { data } = event;
    if (isCloseSignal(data)) {
      this.#detach();
      this.#inbox.end(data.error === undefined ? undefined : new TransportError('closed', `peer closed the connection: ${data.error}`));
      return;
    }
    const frame = frameOf(data);
    // Other traffic on a shared channel (a window's postMessage) is not ours: leave it.
    if (frame !== undefined) this.#inbox.push(frame);
  };

  readonly #onMessageError = (): void => {
    if (this.#closed) return;
    this.#inbox.end(new TransportError('bad_frame', 'a message from the peer could not be deserialized (messageerror)'));
    this.#close('a message could not be deserialized');
  };

  #post(data: unknown): void {
    if (this.#targetOrigin === undefined) this.#channel.postMessage(data);
    else (this.#channel.postMessage as (message: unknown, targetOrigin: string) => void).call(this.#channel, data, this.#targetOrigin);
  }

  /** Tells the peer (in band) and stops listening; the inbox completes. */
  #close(error: string | undefined): void {
    if (this.#closed) return;
    const signal: CloseSignal = error === undefined ? { rxwamp: 'close' } : { rxwamp: 'close', error };
    try {
      this.#post(signal);
    } catch {
      // The channel is gone already: there is nobody left to tell.
    }
    this.#detach();
    this.#inbox.end(undefined);
  }

  #detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.removeEventListener('message', this.#onMessage);
    this.#channel.removeEventListener('messageerror', this.#onMessageError);
    closable(this.#channel)?.close();
  }
}

/**
 * WAMP over any postMessage channel: a `MessagePort`, a `Worker` (and the worker's `self`),
 * a `BroadcastChannel` between two parties, a `Window`/iframe, Electron's ports. Frames
 * (JSON text or MessagePack/CBOR bytes, per `protocol`) travel as structured clones; the
 * end of the connection travels in band. Browser-safe; works with Node's `MessageChannel`
 * and `worker_threads` too. Both ends use it: `router.attach(messagePortTransport(port2))`
 * and `new WampClient({ realm, transport: () => of(messagePortTransport(port1)) })`.
 */
export function messagePortTransport(channel: MessageChannelLike, options: MessagePortTransportOptions = {}): Transport {
  return new MessagePortTransport(channel, options);
}
