import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A free TCP port on 127.0.0.1 (for nats-server, which needs to be told its route ports in advance). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** How to start one nats-server. */
export interface NatsServerOptions {
  /** Client port; default: a free one. Give the old one to restart a server where it was. */
  readonly port?: number;
  /** JetStream store directory; default: a new temporary one (removed on `remove()`). */
  readonly storeDir?: string;
  /** Remove the store with the server (true for a store this helper made, also across restarts). */
  readonly ownsStore?: boolean;
  /** Joins a NATS cluster: this server's name, its route port, and the route URLs of all members. */
  readonly cluster?: { readonly serverName: string; readonly routePort: number; readonly routes: readonly string[] };
}

/** A running nats-server child process. */
export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly options: NatsServerOptions;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL) and waits for the exit. */
  kill(): Promise<void>;
  /** Stops it and removes its store. */
  remove(): Promise<void>;
}

/** Starts `nats-server -js` on 127.0.0.1 and resolves once it accepts clients (and, in a cluster, once JetStream is up). */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'rxwamp-nats-'));
  const ownsStore = options.storeDir === undefined || options.ownsStore === true;
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (options.cluster !== undefined) {
    args.push('--server_name', options.cluster.serverName, '--cluster_name', 'rxwamp-spec', '--cluster', `nats://127.0.0.1:${options.cluster.routePort}`, '--routes', options.cluster.routes.join(','));
  }
  const child: ChildProcess = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.push(line);
      if (line.includes('Server is ready')) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`nats-server exited early:\n${log.join('\n')}`)));
  });
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    options: { ...options, port, storeDir, ownsStore },
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    async remove() {
      await stopWith('SIGTERM');
      if (ownsStore) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
