/**
 * The router the browser specs talk to: a real rxwamp Router on a free WebSocket port,
 * started by karma.conf.js (in Node, through tsx) for the length of a karma run. It keeps
 * every connection it accepted so a spec can ask it to drop them all (the router side of
 * a network failure), through the karma middleware in karma.conf.js.
 */
import { finalize } from 'rxjs';
import { Router } from '../../../src/router/index.js';
import { serveWebSocket } from '../../../src/node/index.js';
import type { Transport } from '../../../src/transport/index.js';
import { wrapTransport } from '../../support/wrapped-transport.js';

/** A running test router. */
export interface TestRouter {
  /** The WebSocket URL, e.g. `ws://127.0.0.1:41234/ws`. */
  readonly url: string;
  /** Fails every open connection from the router side; returns how many there were. */
  dropConnections(): number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts the router on 127.0.0.1, port 0, realm `realm1`. */
export async function startTestRouter(): Promise<TestRouter> {
  const router = new Router({ realms: [{ name: 'realm1' }] });
  const server = await serveWebSocket({ host: '127.0.0.1', port: 0, path: '/ws' });
  const open = new Set<Transport>();
  const attached = server.connections$.subscribe((transport) => {
    open.add(transport);
    router.attach(watchClose(transport, () => open.delete(transport)));
  });
  return {
    url: server.urls[0]!,
    dropConnections() {
      const dropped = [...open];
      open.clear();
      for (const transport of dropped) transport.outgoing.error(new Error('dropped by the test router'));
      return dropped.length;
    },
    async close() {
      attached.unsubscribe();
      await server.close();
    },
  };
}

/** The same transport, calling `onClose` once its incoming stream ends or is dropped. */
function watchClose(transport: Transport, onClose: () => void): Transport {
  return wrapTransport(transport, { incoming$: transport.incoming$.pipe(finalize(onClose)) });
}
