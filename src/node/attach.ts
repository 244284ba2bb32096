import type { IncomingMessage, Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Router } from '../router/router.js';
import { keepaliveFor } from './keepalive-for.js';
import { ConnectionQueue } from './transport-server.js';
import { refuseUpgrade, webSocketUpgrades } from './websocket-upgrades.js';

/** Options of {@link attach}. */
export interface AttachOptions {
  /** The application's HTTP or HTTPS server (Express's `app.listen()` returns one). */
  readonly server: Server | HttpsServer;
  /** The path WAMP is served on (default `/ws`); upgrades to other paths are left to the application. */
  readonly path?: string;
}

/** WAMP on an application's server, until detached. */
export interface AttachedEndpoint {
  /** Stops taking upgrades and closes the WAMP connections; the server itself keeps running. */
  close(): Promise<void>;
}

/**
 * Serves WAMP over WebSocket on a server the application already has, next to its other
 * routes: only upgrade requests for `path` are taken; plain HTTP requests never reach
 * rxwamp. An upgrade for another path is left to the application's own upgrade handlers
 * (answered 404 only when there are none). On an HTTPS server the sessions see the TLS
 * channel (cryptosign channel binding, the `tls` auth method).
 */
export function attach(router: Router, options: AttachOptions): AttachedEndpoint {
  const queue = new ConnectionQueue();
  const upgrades = webSocketUpgrades(queue, { path: options.path ?? '/ws', maxMessageSize: router.limits.maxMessageSize, ...keepaliveFor(router) });
  const server = options.server;
  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    if (upgrades.wants(request)) return upgrades.handle(request, socket, head);
    // Someone else may serve this path; if nobody does, do not leave the client hanging.
    if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'Not Found', 'no WebSocket endpoint at this path\n');
  };
  server.on('upgrade', onUpgrade);
  const attached = queue.connections$.subscribe((transport) => router.attach(transport));
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        server.off('upgrade', onUpgrade);
        queue.close();
        attached.unsubscribe();
        await upgrades.close();
      })();
      return closing;
    },
  };
}
