import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root } from './built-package.js';

/** A running `rxwamp-router` cluster node (the built CLI as a child process). */
export interface ClusterNode {
  readonly name: string;
  readonly child: ChildProcess;
  /** `ws://…/ws` */
  readonly ws: string;
  /** `rs://…` */
  readonly rs: string;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Resolves at the next log line (stderr, JSON) of this event, e.g. `cluster_ready` (needs --log-level info). */
  nextLog(event: string): Promise<Record<string, unknown>>;
}

/** Starts a node of cluster `cluster` on the given NATS servers; resolves once it printed its listening lines (it is ready then). */
export function startClusterNode(servers: string, cluster: string, name: string, extra: string[] = []): Promise<ClusterNode> {
  const args = [join(root, 'dist', 'node', 'cli.js'), '--ws-port', '0', '--rawsocket-port', '0', '--cluster', servers, '--cluster-name', cluster, '--node-name', name, '--log-level', 'warn', ...extra];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ event: string; resolve: (fields: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const waiter of waiters.splice(0)) {
      if (waiter.event === fields['event']) waiter.resolve(fields);
      else waiters.push(waiter);
    }
  });
  const nextLog = (event: string) => new Promise<Record<string, unknown>>((resolve) => waiters.push({ event, resolve }));
  const urls: string[] = [];
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      if (line.startsWith('listening ')) urls.push(line.slice('listening '.length));
      if (line.startsWith('realm ')) {
        resolve({
          name,
          child,
          ws: urls.find((u) => u.startsWith('ws://'))!,
          rs: urls.find((u) => u.startsWith('rs://'))!,
          stdout,
          stderr,
          exited,
          stop: () => stopWith('SIGTERM'),
          kill: () => stopWith('SIGKILL'),
          nextLog,
        });
      }
    });
    void exited.then((code) => reject(new Error(`node ${name} exited with ${code}:\n${stderr.join('\n')}`)));
  });
}
