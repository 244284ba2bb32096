import { of } from 'rxjs';
import { messagePortTransport, WampClient } from 'rxwamp';
import type { WampClientOptions } from 'rxwamp';

/**
 * A WampClient whose router runs in `worker` (see router.worker.ts): each connection is a
 * new MessageChannel, one end posted to the worker, the other the client's transport.
 */
export function workerClient(worker: Worker, options: Partial<WampClientOptions> = {}): WampClient {
  return new WampClient({
    realm: 'realm1',
    ...options,
    transport: () => {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage('rxwamp.connect', [port2]);
      return of(messagePortTransport(port1));
    },
  });
}
