import { createRequire } from 'node:module';
import WebSocket from 'ws';

// Autobahn|JS 26 looks for a global WebSocket, which Node 20 lacks; set it before loading it.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
const require = createRequire(import.meta.url);

/** The parts of the autobahn npm package the interop specs use (it ships no types). */
export interface AutobahnSession {
  readonly id: number;
  call(procedure: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<any> & { cancel(options?: Record<string, unknown>): void };
  register(procedure: string, endpoint: (args: any[], kwargs: any, details: any) => unknown, options?: Record<string, unknown>): Promise<any>;
  subscribe(topic: string, handler: (args: any[], kwargs: any, details: any) => void, options?: Record<string, unknown>): Promise<any>;
  publish(topic: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<any> | undefined;
  unsubscribe(subscription: unknown): Promise<unknown>;
}

/** How an autobahn peer reaches the router. */
export type AutobahnTarget =
  | { readonly kind: 'websocket'; readonly url: string; readonly serializer: 'json' | 'msgpack' | 'cbor' }
  | { readonly kind: 'rawsocket'; readonly host: string; readonly port: number };

/** The autobahn npm package (untyped). */
export const autobahn = require('autobahn') as any;
// Autobahn warns on the console about every closed connection and every error a handler
// raises on purpose in these specs: keep the spec output readable.
(require('autobahn/lib/log.js') as { warn: (...args: unknown[]) => void }).warn = () => undefined;

/** Opens an autobahn session; resolves once joined, rejects if the connection closes first. */
export function openAutobahn(target: AutobahnTarget, realm = 'realm1', extra: Record<string, unknown> = {}): Promise<{ session: AutobahnSession; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const options: Record<string, unknown> = { realm, max_retries: 0, retry_if_unreachable: false, on_user_error: () => undefined, ...extra };
    if (target.kind === 'websocket') {
      options['url'] = target.url;
      options['serializers'] = [
        target.serializer === 'json'
          ? new autobahn.serializer.JSONSerializer()
          : target.serializer === 'msgpack'
            ? new autobahn.serializer.MsgpackSerializer()
            : new autobahn.serializer.CBORSerializer(),
      ];
    } else {
      options['transports'] = [{ type: 'rawsocket', host: target.host, port: target.port }];
    }
    const connection = new autobahn.Connection(options);
    let closed!: () => void;
    const whenClosed = new Promise<void>((r) => (closed = r));
    connection.onopen = (session: AutobahnSession) =>
      resolve({
        session,
        close: () => {
          connection.close();
          return whenClosed;
        },
      });
    connection.onclose = (reason: string, details: unknown) => {
      closed();
      reject(new Error(`autobahn connection closed: ${reason} ${JSON.stringify(details)}`));
      return true;
    };
    connection.open();
  });
}
