/**
 * Cross-node figures: calls and events through two cluster nodes next to one router, and
 * `--workers 2` next to one process. Each node is its own process; NATS is a nats-server
 * child on a free port with a temporary store.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../spec/support/built-package.js';
import { startNatsServer } from '../../spec/support/nats-server.js';
import type { NatsServer } from '../../spec/support/nats-server.js';
import type { WindowResult } from './generator.js';
import { serverCpu, startGenerator, startServer, stopAll } from './processes.js';
import type { Child, Server } from './processes.js';
import { PROCEDURE, TOPIC } from './scenarios.js';
import type { Rate, Timing } from './scenarios.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The cluster figures: each a Rate whose `cpuUs` sums every router process involved. */
export interface ClusterFigures {
  readonly single: { readonly rpc: Rate; readonly fan8: Rate };
  readonly twoNodes: { readonly rpc: Rate; readonly fan8: Rate };
  readonly oneProcess: Rate;
  readonly workers2: Rate;
}

/** CPU time (µs) of processes read from /proc: a worker pool's primary and workers. */
function procCpu(pids: number[]): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / tick;
    } catch {
      // A process that is gone used nothing more.
    }
  }
  return total;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Runs a window on `generators`, with the CPU of the router processes measured by `cpu` around it. */
async function window(generators: Child[], timing: Timing, cpu: () => Promise<number>): Promise<{ results: WindowResult[]; cpuMicros: number }> {
  for (const g of generators) g.send({ type: 'run' });
  await new Promise((resolve) => setTimeout(resolve, timing.warmupMs));
  const results = generators.map((g) => g.next<{ result: WindowResult }>('result', timing.windowMs + 30_000));
  const before = await cpu();
  for (const g of generators) g.send({ type: 'measure', durationMs: timing.windowMs });
  const done = (await Promise.all(results)).map((r) => r.result);
  return { results: done, cpuMicros: (await cpu()) - before };
}

async function rpcBetween(calleeUrl: string, callerUrl: string, timing: Timing, cpu: () => Promise<number>): Promise<Rate> {
  const generators: Child[] = [];
  try {
    generators.push(await startGenerator('load/callee.ts', { url: calleeUrl, codec: 'json', procedure: PROCEDURE }));
    generators.push(await startGenerator('load/callers.ts', { url: callerUrl, codec: 'json', procedure: PROCEDURE, callers: 4, inflight: 64 }));
    const { results, cpuMicros } = await window(generators, timing, cpu);
    const callers = results[1]!;
    return { perSecond: callers.count / callers.seconds, p50Us: callers['p50Us'] as number, p99Us: callers['p99Us'] as number, cpuUs: cpuMicros / callers.count };
  } finally {
    await stopAll(generators);
  }
}

async function fanoutBetween(publisherUrl: string, subscriberUrl: string, timing: Timing, cpu: () => Promise<number>): Promise<Rate> {
  const generators: Child[] = [];
  try {
    generators.push(await startGenerator('load/subscribers.ts', { url: subscriberUrl, codec: 'json', topic: TOPIC, subscribers: 8 }));
    generators.push(await startGenerator('load/publisher.ts', { url: publisherUrl, codec: 'json', topic: TOPIC, inflight: 64 }));
    const { results, cpuMicros } = await window(generators, timing, cpu);
    const [subs, publisher] = results as [WindowResult, WindowResult];
    return { perSecond: subs.count / subs.seconds, p50Us: publisher['p50Us'] as number, p99Us: publisher['p99Us'] as number, cpuUs: cpuMicros / publisher.count };
  } finally {
    await stopAll(generators);
  }
}

const cpuOf = (servers: Server[]) => async (): Promise<number> => (await Promise.all(servers.map(serverCpu))).reduce((a, b) => a + b, 0);

/** The `rxwamp-router` CLI (built) as a child: one process, or a pool of workers. */
async function startCli(nats: NatsServer, name: string, extra: string[]): Promise<{ ws: string; pids: () => number[]; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'node', 'cli.js'), '--ws-port', '0', '--rawsocket-port', '0', '--cluster', nats.url, '--cluster-name', name, '--node-name', 'w', '--log-level', 'error', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ws = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('listening ws://')) resolve(line.slice('listening '.length));
    });
    void exited.then(() => reject(new Error('rxwamp-router exited')));
  });
  return {
    ws,
    pids: () => [child.pid!, ...childrenOf(child.pid!)],
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Measures the cluster figures (needs `nats-server` on the PATH; builds dist/ when it is stale). */
export async function clusterFigures(timing: Timing, log: (text: string) => void): Promise<ClusterFigures> {
  // The --workers figure runs the built CLI.
  await ensureBuilt();
  const nats = await startNatsServer();
  try {
    const single = await startServer('router-server.ts');
    let singleRpc: Rate;
    let singleFan: Rate;
    try {
      singleRpc = await rpcBetween(single.urls.ws, single.urls.ws, timing, cpuOf([single]));
      singleFan = await fanoutBetween(single.urls.ws, single.urls.ws, timing, cpuOf([single]));
    } finally {
      await stopAll([single]);
    }
    log(`1 router: rpc ${singleRpc.perSecond.toFixed(0)}/s, fan-out 8 ${singleFan.perSecond.toFixed(0)}/s`);
    const a = await startServer('cluster-router-server.ts', { servers: nats.url, name: 'bench', node: 'a' });
    const b = await startServer('cluster-router-server.ts', { servers: nats.url, name: 'bench', node: 'b' });
    let twoRpc: Rate;
    let twoFan: Rate;
    try {
      twoRpc = await rpcBetween(a.urls.ws, b.urls.ws, timing, cpuOf([a, b]));
      twoFan = await fanoutBetween(a.urls.ws, b.urls.ws, timing, cpuOf([a, b]));
    } finally {
      await stopAll([a, b]);
    }
    log(`2 nodes (callee/publisher on one, callers/subscribers on the other): rpc ${twoRpc.perSecond.toFixed(0)}/s, fan-out 8 ${twoFan.perSecond.toFixed(0)}/s`);
    const measureCli = async (extra: string[], name: string): Promise<Rate> => {
      const cli = await startCli(nats, name, extra);
      try {
        return await rpcBetween(cli.ws, cli.ws, timing, async () => procCpu(cli.pids()));
      } finally {
        await cli.stop();
      }
    };
    const oneProcess = await measureCli([], 'bench1');
    const workers2 = await measureCli(['--workers', '2'], 'bench2');
    log(`rxwamp-router --cluster: one process rpc ${oneProcess.perSecond.toFixed(0)}/s, --workers 2 rpc ${workers2.perSecond.toFixed(0)}/s`);
    return { single: { rpc: singleRpc, fan8: singleFan }, twoNodes: { rpc: twoRpc, fan8: twoFan }, oneProcess, workers2 };
  } finally {
    await nats.remove();
  }
}

/** The cluster figures as a Markdown table. */
export function renderCluster(f: ClusterFigures): string {
  const row = (what: string, r: Rate, unit: string) =>
    `| ${what} | ${r.perSecond.toFixed(0)} ${unit}/s | ${(r.p50Us / 1000).toFixed(2)} ms | ${(r.p99Us / 1000).toFixed(2)} ms | ${r.cpuUs.toFixed(1)} µs |`;
  return [
    '| Setup | Throughput | p50 | p99 | Router CPU per message (all processes) |',
    '| --- | --- | --- | --- | --- |',
    row('RPC, 1 router (standalone)', f.single.rpc, 'calls'),
    row('RPC, 2 nodes: callee on one, callers on the other', f.twoNodes.rpc, 'calls'),
    row('Fan-out to 8, 1 router (standalone)', f.single.fan8, 'events'),
    row('Fan-out to 8, 2 nodes: publisher on one, subscribers on the other', f.twoNodes.fan8, 'events'),
    row('RPC, `rxwamp-router --cluster` one process', f.oneProcess, 'calls'),
    row('RPC, `rxwamp-router --cluster --workers 2`', f.workers2, 'calls'),
  ].join('\n');
}
