import type { WebSocket } from 'ws';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';

/**
 * Pings a server-side WebSocket every `intervalMs` and drops it (terminate, no close
 * handshake: the peer is not answering) when a pong takes longer than `timeoutMs`.
 * The timers end with the socket.
 */
export function keepWebSocketAlive(ws: WebSocket, options: KeepaliveOptions): void {
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const interval = setInterval(() => {
    if (deadline !== undefined) return;
    try {
      ws.ping();
    } catch {
      return; // not open any more: 'close' cleans up
    }
    deadline = setTimeout(() => ws.terminate(), options.timeoutMs);
  }, options.intervalMs);
  ws.on('pong', () => {
    clearTimeout(deadline);
    deadline = undefined;
  });
  ws.once('close', () => {
    clearInterval(interval);
    clearTimeout(deadline);
  });
}
