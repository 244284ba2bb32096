import type { Socket } from 'node:net';

/**
 * Coalesces the writes a socket gets within one turn of the event loop into one system
 * call. A router answers a whole TCP read at once (ws and the RawSocket framing hand over
 * every message of a chunk synchronously), and the answers to one peer then leave in one
 * `writev` instead of one per message: on loopback, the syscall and the wake-up of the
 * reader it triggers were half of the router's time per message (see BENCHMARKS.md).
 *
 * Returns the function to call before each write: it corks the socket at the first write
 * of a turn and uncorks it once the current callback and its microtasks are done.
 */
export function writeCoalescer(socket: Socket): () => void {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
}
