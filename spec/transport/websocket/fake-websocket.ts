import type { WebSocketEventLike, WebSocketLike } from '../../../src/transport/websocket/websocket-like.js';

type Listener = (event: WebSocketEventLike) => void;

/** A scriptable W3C-style WebSocket for specs: `open()`, `receive()`, `serverClose()` drive it. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readonly url: string;
  readonly protocols: string[];
  protocol = '';
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: Array<string | ArrayBufferView> = [];
  closedWith: { code?: number; reason?: string } | undefined;
  /** When set, close() with a code other than 1000 or 3000–4999 throws, as in browsers. */
  strictCodes = false;
  /** Set by a spec to model `ws`, which can drop a connection at once. */
  terminate?: () => void;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(url: string, protocols?: string | string[]) {
    this.url = url;
    this.protocols = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : protocols;
    FakeWebSocket.instances.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  listenerCount(type: string): number {
    return this.#listeners.get(type)?.size ?? 0;
  }

  send(data: string | ArrayBufferView): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.strictCodes && code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error('InvalidAccessError');
    this.closedWith = { ...(code === undefined ? {} : { code }), ...(reason === undefined ? {} : { reason }) };
    this.readyState = 2;
  }

  emit(type: string, event: Omit<WebSocketEventLike, 'type'> = {}): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener({ type, ...event });
  }

  open(protocol: string): void {
    this.protocol = protocol;
    this.readyState = 1;
    this.emit('open');
  }

  receive(data: unknown): void {
    this.emit('message', { data });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.emit('close', { code, reason });
  }
}
