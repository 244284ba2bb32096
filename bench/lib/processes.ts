/**
 * The orchestrator side: forks the router, the floor relay and the load generators as
 * child processes (TypeScript through tsx) and talks to them over IPC.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WindowResult } from './generator.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A forked bench process. */
export class Child {
  readonly process: ChildProcess;
  readonly #waiting = new Map<string, Array<(message: Record<string, unknown>) => void>>();
  #failure: Error | undefined;
  readonly #failed: Array<(error: Error) => void> = [];

  constructor(script: string, config: unknown, nodeArgs: string[] = []) {
    this.process = fork(`${BENCH_DIR}${script}`, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', ...nodeArgs],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (raw) => {
      const message = raw as Record<string, unknown> & { type: string };
      if (message.type === 'error') return this.#fail(new Error(`${script}: ${String(message['error'])}`));
      const waiters = this.#waiting.get(message.type);
      const waiter = waiters?.shift();
      waiter?.(message);
    });
    this.process.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) this.#fail(new Error(`${script} exited with code ${code}`));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const reject of this.#failed.splice(0)) reject(error);
  }

  /** The next message of this type from the child. */
  next<T = Record<string, unknown>>(type: string, timeoutMs = 120_000): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for '${type}'`)), timeoutMs);
      const list = this.#waiting.get(type) ?? [];
      list.push((m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      this.#waiting.set(type, list);
      this.#failed.push((e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Sends a message to the child. */
  send(message: Record<string, unknown>): void {
    if (this.process.connected) this.process.send(message);
  }

  /** Asks the child to exit and waits until it has. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** A server under test (router or floor relay): forked, listening, with its URLs. */
export interface Server {
  readonly child: Child;
  readonly urls: { ws: string; rs?: string };
}

/** Forks a server script and waits for its URLs. */
export async function startServer(script: string, config: unknown = {}, nodeArgs: string[] = []): Promise<Server> {
  const child = new Child(script, config, ['--expose-gc', ...nodeArgs]);
  const listening = await child.next<{ urls: { ws: string; rs?: string } }>('listening');
  return { child, urls: listening.urls };
}

/** Heap + external bytes of a server after a full GC. */
export async function serverMemory(server: Server): Promise<number> {
  server.child.send({ type: 'memory' });
  const reply = await server.child.next<{ bytes: number }>('memory');
  return reply.bytes;
}

/** CPU time (user + system, µs) the server process has used so far. */
export async function serverCpu(server: Server): Promise<number> {
  server.child.send({ type: 'cpu' });
  return (await server.child.next<{ micros: number }>('cpu')).micros;
}

/** Forks a load generator and waits until it is ready. */
export async function startGenerator(script: string, config: unknown, nodeArgs: string[] = []): Promise<Child> {
  const child = new Child(script, config, nodeArgs);
  await child.next('ready');
  return child;
}

/**
 * Runs a measurement: `run` to every generator, a warm-up, then one window measured by
 * all at once. Returns each generator's result, in order, and the server's CPU time over
 * the window (when given the server): its own cost, whatever the machine's other load.
 */
export async function measure(generators: Child[], warmupMs: number, durationMs: number, server?: Server): Promise<{ results: WindowResult[]; serverCpuMicros: number }> {
  for (const g of generators) g.send({ type: 'run' });
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  const results = generators.map((g) => g.next<{ result: WindowResult }>('result', durationMs + 30_000));
  const cpuBefore = server === undefined ? 0 : await serverCpu(server);
  for (const g of generators) g.send({ type: 'measure', durationMs });
  const done = (await Promise.all(results)).map((r) => r.result);
  const cpuAfter = server === undefined ? 0 : await serverCpu(server);
  return { results: done, serverCpuMicros: cpuAfter - cpuBefore };
}

/** Stops every child given, in parallel. */
export async function stopAll(children: Array<Child | Server | undefined>): Promise<void> {
  await Promise.all(children.map((c) => (c === undefined ? undefined : 'child' in c ? c.child.stop() : c.stop())));
}
