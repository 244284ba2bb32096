import type { WebSocket } from 'ws';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';

/** The keepalive of one listener's WebSockets. */
export interface WebSocketKeepalive {
  /** Starts watching a newly opened WebSocket (one of the listener's `sockets`, which it leaves when it closes). */
  watch(ws: WebSocket): void;
  /** Stops the timer (the listener is closing). */
  stop(): void;
}

/**
 * Pings every open WebSocket of `sockets` each `intervalMs` and drops one (terminate, no
 * close handshake: the peer is not answering) whose pong takes longer than `timeoutMs`.
 * One timer for the whole listener, and no closure per connection: an idle connection
 * costs a router little memory (BENCHMARKS.md). A socket whose ping is unanswered is not
 * pinged again before its deadline.
 */
export function webSocketKeepalive(sockets: ReadonlySet<WebSocket>, options: KeepaliveOptions): WebSocketKeepalive {
  /** Sockets pinged and not answered yet, with the round of that ping. */
  const awaiting = new Map<WebSocket, number>();
  let round = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const deadlines = new Set<ReturnType<typeof setTimeout>>();
  // Called with `this` as the socket (EventEmitter): one function for all of them.
  function answered(this: WebSocket): void {
    awaiting.delete(this);
  }
  const pingAll = (): void => {
    const current = ++round;
    let pinged = false;
    for (const ws of sockets) {
      if (awaiting.has(ws) || ws.readyState !== ws.OPEN) continue;
      try {
        ws.ping();
      } catch {
        continue; // not open any more: 'close' cleans up
      }
      awaiting.set(ws, current);
      pinged = true;
    }
    if (!pinged) return;
    const deadline = setTimeout(() => {
      deadlines.delete(deadline);
      // A socket closed meanwhile is only forgotten here: terminating it again does nothing.
      for (const [ws, at] of awaiting) {
        if (at !== current) continue;
        awaiting.delete(ws);
        ws.terminate();
      }
    }, options.timeoutMs);
    deadlines.add(deadline);
  };
  return {
    watch(ws) {
      timer ??= setInterval(pingAll, options.intervalMs);
      ws.on('pong', answered);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      for (const deadline of deadlines) clearTimeout(deadline);
      deadlines.clear();
      awaiting.clear();
    },
  };
}
