/** The child side of the orchestrator's protocol, for servers (router, floor relay). */

/** Heap + external memory after full garbage collections (run with --expose-gc). */
export function settledMemory(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Reports the URLs, answers `memory` requests, exits on `stop` or when the parent goes. */
export function serveServer(urls: { ws: string; rs?: string }, close: () => Promise<void>): void {
  const exit = (): void => void close().finally(() => process.exit(0));
  process.on('disconnect', exit);
  process.on('message', (raw) => {
    const message = raw as { type: string };
    if (message.type === 'memory') process.send!({ type: 'memory', bytes: settledMemory() });
    else if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ type: 'cpu', micros: usage.user + usage.system });
    }
    else if (message.type === 'stop') exit();
  });
  process.send!({ type: 'listening', urls });
}
