/**
 * `npm run bench`: the router against the floor relay, in one run. Every server and every
 * load generator is its own process on 127.0.0.1 (port 0). Prints a table and regenerates
 * the figures in BENCHMARKS.md (the profile notes there are kept).
 *
 * `npm run bench -- --smoke`: a few hundred milliseconds per figure, to check that the
 * suite works; it writes nothing unless `--out FILE` is given.
 *
 * `npm run bench -- --only fanout|client|publish|memory|metrics|large [--rounds N]`: one group of figures,
 * printed with its per-round values; nothing written (for comparing a change, not for the table).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { clusterFigures, renderCluster } from './lib/cluster-bench.js';
import { startServer, stopAll } from './lib/processes.js';
import type { Server } from './lib/processes.js';
import { metricsRows, renderCharts, renderReport } from './lib/report.js';
import type { Figures, MetricsCost, MetricsInProcess } from './lib/report.js';
import { Child } from './lib/processes.js';
import { fanout, memoryPerSession, publishing, rpc, rpcLarge, rpcPaced, seed } from './lib/scenarios.js';
import type { Rate, Timing } from './lib/scenarios.js';
import { median } from './lib/stats.js';

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
/** `--metrics-only`: just the cost of metrics, printed; nothing written. */
const metricsOnly = argv.includes('--metrics-only');
/** `--only GROUP`: just that group of figures, printed; nothing written. */
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
const roundsIndex = argv.indexOf('--rounds');
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 ? argv[outIndex + 1] : smoke || only !== undefined ? undefined : fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

const timing: Timing = smoke ? { warmupMs: 150, windowMs: 250 } : { warmupMs: 500, windowMs: 1500 };
/** The warm-up of a fresh server process (JIT), before its first measurement. */
const warmupOnlyMs = smoke ? 100 : 1000;
const rounds = roundsIndex >= 0 ? Number(argv[roundsIndex + 1]) : smoke ? 1 : 3;
const stateLevels = smoke ? [1, 100] : [1, 1_000, 100_000];
const idleSessions = smoke ? 200 : 10_000;
const started = Date.now();

function log(text: string): void {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${text}\n`);
}

async function withServer<T>(script: string, body: (server: Server) => Promise<T>, config: unknown = {}): Promise<T> {
  const server = await startServer(script, config);
  try {
    return await body(server);
  } finally {
    await stopAll([server]);
  }
}

/** Brings a fresh server's JIT to steady state before anything is measured. */
async function warm(server: Server): Promise<void> {
  const brief = { warmupMs: warmupOnlyMs, windowMs: 100 };
  await rpc(server, 'json', 'ws', brief);
  await fanout(server, 'json', 8, brief);
}

/**
 * RPC and fan-out against the floor and the router, both running (and warmed) for the
 * whole comparison, measured alternately `rounds` times: each ratio is taken within a round.
 */
async function versusFloor(withRpc = true): Promise<Figures['versus']> {
  const floor = { rpc: [] as Rate[], fan8: [] as Rate[], fan64: [] as Rate[] };
  const router = { rpc: [] as Rate[], fan8: [] as Rate[], fan64: [] as Rate[] };
  return withServer('floor-relay.ts', (floorServer) =>
    withServer('router-server.ts', async (routerServer) => {
      await warm(floorServer);
      await warm(routerServer);
      for (let round = 0; round < rounds; round++) {
        if (withRpc) for (const [server, into] of [[floorServer, floor], [routerServer, router]] as const) into.rpc.push(await rpc(server, 'json', 'ws', timing));
        for (const [server, into] of [[floorServer, floor], [routerServer, router]] as const) into.fan8.push(await fanout(server, 'json', 8, timing));
        for (const [server, into] of [[floorServer, floor], [routerServer, router]] as const) into.fan64.push(await fanout(server, 'json', 64, timing));
        for (const [name, into] of [['floor', floor], ['router', router]] as const) {
          log(`round ${round + 1}/${rounds} ${name}: rpc ${into.rpc.at(-1)?.perSecond.toFixed(0) ?? '-'}/s, fan-out 8 ${into.fan8.at(-1)!.perSecond.toFixed(0)}/s, 64 ${into.fan64.at(-1)!.perSecond.toFixed(0)}/s`);
        }
      }
      return { floor, router };
    }),
  );
}

/**
 * Latency below saturation (paced calls at fractions of the slower server's saturated rate)
 * and RPC with large arguments, floor and router alternately, both running for the whole time.
 */
async function belowSaturationAndLarge(saturated: number): Promise<Pick<Figures, 'load' | 'large'>> {
  const load: NonNullable<Figures['load']> = [0.25, 0.5, 0.9].map((fraction) => ({ fraction, rate: Math.round(saturated * fraction), floor: [], router: [] }));
  const large: NonNullable<Figures['large']> = [64 * 1024, 1024 * 1024].map((bytes) => ({ bytes, floor: [], router: [] }));
  return withServer('floor-relay.ts', (floorServer) =>
    withServer('router-server.ts', async (routerServer) => {
      await warm(floorServer);
      await warm(routerServer);
      for (let round = 0; round < rounds; round++) {
        for (const level of load) {
          for (const [server, into] of [[floorServer, level.floor], [routerServer, level.router]] as const) into.push(await rpcPaced(server, level.rate, timing));
          log(`round ${round + 1}/${rounds} paced ${level.rate}/s: p50/p99 floor ${(level.floor.at(-1)!.p50Us / 1000).toFixed(1)}/${(level.floor.at(-1)!.p99Us / 1000).toFixed(1)} ms, router ${(level.router.at(-1)!.p50Us / 1000).toFixed(1)}/${(level.router.at(-1)!.p99Us / 1000).toFixed(1)} ms`);
        }
        await largeRound(floorServer, routerServer, large, round);
      }
      return { load, large };
    }),
  );
}

/** One round of RPC with large arguments, floor then router, for each size. */
async function largeRound(floorServer: Server, routerServer: Server, large: NonNullable<Figures['large']>, round: number): Promise<void> {
  for (const size of large) {
    for (const [server, into] of [[floorServer, size.floor], [routerServer, size.router]] as const) into.push(await rpcLarge(server, size.bytes, timing));
    log(`round ${round + 1}/${rounds} ${size.bytes} B argument: floor ${size.floor.at(-1)!.perSecond.toFixed(0)}/s ${size.floor.at(-1)!.cpuUs.toFixed(0)} µs, router ${size.router.at(-1)!.perSecond.toFixed(0)}/s ${size.router.at(-1)!.cpuUs.toFixed(0)} µs`);
  }
}

/** `--only large`: the large-argument rows alone, floor and router alternately. */
async function largeVersusFloor(): Promise<NonNullable<Figures['large']>> {
  const large: NonNullable<Figures['large']> = [64 * 1024, 1024 * 1024].map((bytes) => ({ bytes, floor: [], router: [] }));
  return withServer('floor-relay.ts', (floorServer) =>
    withServer('router-server.ts', async (routerServer) => {
      await warm(floorServer);
      await warm(routerServer);
      for (let round = 0; round < rounds; round++) await largeRound(floorServer, routerServer, large, round);
      return large;
    }),
  );
}

/** The other serializations and transports, on the router. */
async function rpcMatrix(): Promise<Figures['matrix']> {
  return withServer('router-server.ts', async (server) => {
    await warm(server);
    const matrix: Figures['matrix'] = [];
    for (const [codec, transport] of [['msgpack', 'ws'], ['json', 'rs'], ['msgpack', 'rs']] as const) {
      matrix.push({ codec, transport, rate: await rpc(server, codec, transport, timing) });
      log(`rpc ${codec}/${transport}: ${matrix.at(-1)!.rate.perSecond.toFixed(0)}/s`);
    }
    return matrix;
  });
}

/** WampClient callers against raw callers, alternately on one router. */
async function clientOverhead(): Promise<Figures['client']> {
  return withServer('router-server.ts', async (server) => {
    await warm(server);
    const raw: Rate[] = [];
    const client: Rate[] = [];
    for (let round = 0; round < rounds; round++) {
      raw.push(await rpc(server, 'json', 'ws', timing));
      client.push(await rpc(server, 'json', 'ws', timing, 'load/client-callers.ts'));
      log(`client round ${round + 1}/${rounds}: raw ${raw.at(-1)!.perSecond.toFixed(0)}/s, WampClient ${client.at(-1)!.perSecond.toFixed(0)}/s`);
    }
    return { raw, client };
  });
}

/** A WampClient publisher against a raw publisher, alternately on one router. */
async function clientPublishOverhead(): Promise<NonNullable<Figures['clientPublish']>> {
  return withServer('router-server.ts', async (server) => {
    await warm(server);
    const raw: Rate[] = [];
    const client: Rate[] = [];
    for (let round = 0; round < rounds; round++) {
      raw.push(await publishing(server, timing));
      client.push(await publishing(server, timing, 'load/client-publisher.ts'));
      log(`client publish round ${round + 1}/${rounds}: raw ${raw.at(-1)!.perSecond.toFixed(0)}/s, WampClient ${client.at(-1)!.perSecond.toFixed(0)}/s`);
    }
    return { raw, client };
  });
}

/** Publish and call cost with more and more other subscriptions and registrations. */
async function scaling(): Promise<Figures['scaling']> {
  const levels: Figures['scaling'] = [];
  for (const count of stateLevels) {
    await withServer('router-server.ts', async (server) => {
      const seededAt = Date.now();
      const seeder = await seed(server, count);
      const seedSeconds = (Date.now() - seededAt) / 1000;
      try {
        await warm(server);
        const publish = await fanout(server, 'json', 1, timing);
        const call = await rpc(server, 'json', 'ws', timing);
        levels.push({ count, publish, call, seedSeconds });
        log(`state ${count}: publish ${publish.perSecond.toFixed(0)}/s, call ${call.perSecond.toFixed(0)}/s (seeded in ${seedSeconds.toFixed(1)} s)`);
      } finally {
        await seeder.stop();
      }
    });
  }
  return levels;
}

/** Memory per idle session, router and floor relay (whose sessions are little more than `ws` itself). */
async function memory(): Promise<Figures['memory']> {
  const floor = await withServer('floor-relay.ts', (server) => memoryPerSession(server, idleSessions));
  const router = await withServer('router-server.ts', (server) => memoryPerSession(server, idleSessions));
  log(`memory per session: router ${(router / 1024).toFixed(1)} KiB, floor ${(floor / 1024).toFixed(1)} KiB`);
  return { sessions: idleSessions, floor, router };
}

/** The router alone, counters on and off, in a process of its own (bench/metrics-cost.ts). */
async function metricsInProcess(): Promise<MetricsInProcess> {
  const child = new Child('metrics-cost.ts', smoke ? { rounds: 1, calls: 2_000, events: 1_000 } : { rounds: 15, calls: 40_000, events: 40_000 });
  const { result } = await child.next<{ result: MetricsInProcess }>('result', 600_000);
  await child.stop();
  return result;
}

/**
 * The cost of metrics: in one process (precise), then end to end: a router with them on
 * (counters, /metrics scraped every second, as a busy Prometheus would) and one with them
 * off (`stats: false`, no /metrics), both running and warmed, measured alternately.
 */
async function metricsCost(): Promise<MetricsCost> {
  const inProcess = await metricsInProcess();
  const median2 = (a: number[], b: number[]): string => (median(a) / median(b)).toFixed(3);
  log(`metrics, one process: CPU per call on/off ${median2(inProcess.rpc.on, inProcess.rpc.off)}, per publication on/off ${median2(inProcess.fanout.on, inProcess.fanout.off)}; one scrape ${inProcess.scrapeUs.toFixed(0)} µs`);
  const on = { rpc: [] as Rate[], fan8: [] as Rate[] };
  const off = { rpc: [] as Rate[], fan8: [] as Rate[] };
  let scrapes = 0;
  return withServer(
    'router-server.ts',
    (offServer) =>
      withServer(
        'router-server.ts',
        async (onServer) => {
          await warm(onServer);
          await warm(offServer);
          const metricsUrl = onServer.urls.ws.replace(/^ws:/, 'http:').replace(/\/ws$/, '/metrics');
          const scraper = setInterval(() => {
            void fetch(metricsUrl)
              .then((r) => r.text())
              .then(() => scrapes++, () => undefined);
          }, 1000);
          try {
            for (let round = 0; round < rounds; round++) {
              // Alternate which goes first, so that neither always meets the machine's load first.
              const pairs = round % 2 === 0 ? ([[onServer, on], [offServer, off]] as const) : ([[offServer, off], [onServer, on]] as const);
              for (const [server, into] of pairs) into.rpc.push(await rpc(server, 'json', 'ws', timing));
              for (const [server, into] of pairs) into.fan8.push(await fanout(server, 'json', 8, timing));
              log(
                `metrics round ${round + 1}/${rounds}: rpc on ${on.rpc.at(-1)!.perSecond.toFixed(0)}/s ${on.rpc.at(-1)!.cpuUs.toFixed(2)} µs, off ${off.rpc.at(-1)!.perSecond.toFixed(0)}/s ${off.rpc.at(-1)!.cpuUs.toFixed(2)} µs; ` +
                  `fan-out on ${on.fan8.at(-1)!.perSecond.toFixed(0)}/s ${on.fan8.at(-1)!.cpuUs.toFixed(2)} µs, off ${off.fan8.at(-1)!.perSecond.toFixed(0)}/s ${off.fan8.at(-1)!.cpuUs.toFixed(2)} µs`,
              );
            }
          } finally {
            clearInterval(scraper);
          }
          return { inProcess, endToEnd: { on, off, scrapes } };
        },
        { metrics: true },
      ),
    { metrics: false },
  );
}

/** `--only GROUP`: the figures of one group with their per-round values, for comparing a change. */
async function runOnly(group: string): Promise<void> {
  const list = (values: number[], digits = 2): string => values.map((v) => v.toFixed(digits)).join(', ');
  const summary = (name: string, router: Rate[], floor: Rate[]): void => {
    const ratios = router.map((r, i) => r.perSecond / floor[i]!.perSecond);
    const cpu = (rates: Rate[]): number[] => rates.map((r) => r.cpuUs);
    process.stdout.write(
      `${name}: ratio ${median(ratios).toFixed(2)} (rounds ${list(ratios)}); /s ${list(router.map((r) => r.perSecond), 0)} against ${list(floor.map((r) => r.perSecond), 0)}; ` +
        `server CPU µs per message ${median(cpu(router)).toFixed(2)} against ${median(cpu(floor)).toFixed(2)} (rounds ${list(cpu(router))} against ${list(cpu(floor))})\n`,
    );
  };
  switch (group) {
    case 'fanout': {
      const { floor, router } = await versusFloor(false);
      summary('fan-out 8, router / floor', router.fan8, floor.fan8);
      summary('fan-out 64, router / floor', router.fan64, floor.fan64);
      return;
    }
    case 'client':
    case 'publish': {
      const { raw, client } = group === 'client' ? await clientOverhead() : await clientPublishOverhead();
      const what = group === 'client' ? 'calls' : 'publications';
      summary(`${what}, WampClient / raw`, client, raw);
      process.stdout.write(`client's own CPU µs per message, WampClient: ${list(client.map((r) => r.callersCpuUs ?? NaN))}; raw: ${list(raw.map((r) => r.callersCpuUs ?? NaN))}\n`);
      return;
    }
    case 'memory': {
      const m = await memory();
      process.stdout.write(`memory per idle session (${m.sessions}): router ${(m.router / 1024).toFixed(2)} KiB, floor ${(m.floor / 1024).toFixed(2)} KiB, +${((m.router - m.floor) / 1024).toFixed(2)} KiB\n`);
      return;
    }
    case 'metrics': {
      const rows = metricsRows(await metricsCost(), median, (ok) => (ok ? 'met' : 'MISSED'));
      process.stdout.write(rows.map((r) => r.filter((c) => c !== '').join('  |  ')).join('\n') + '\n');
      return;
    }
    case 'large': {
      for (const size of await largeVersusFloor()) {
        const mb = (rates: Rate[]): number => (median(rates.map((r) => r.perSecond)) * size.bytes) / 1e6;
        const cpu = (rates: Rate[]): number => median(rates.map((r) => r.cpuUs));
        process.stdout.write(
          `${size.bytes} B argument: router ${mb(size.router).toFixed(1)} MB/s, floor ${mb(size.floor).toFixed(1)} MB/s, ratio ${(mb(size.router) / mb(size.floor)).toFixed(2)}; ` +
            `server CPU per call router ${cpu(size.router).toFixed(0)} µs, floor ${cpu(size.floor).toFixed(0)} µs (medians of ${rounds})\n`,
        );
      }
      return;
    }
    default:
      throw new Error(`--only ${group}: not one of fanout, client, publish, memory, metrics, large`);
  }
}

if (only !== undefined) {
  await runOnly(only);
  process.exit(0);
}

if (metricsOnly) {
  const cost = await metricsCost();
  const rows = metricsRows(cost, median, (ok) => (ok ? 'met' : 'MISSED'));
  process.stdout.write(rows.map((r) => r.filter((c) => c !== '').join('  |  ')).join('\n') + '\n');
  process.exit(0);
}

const versus = await versusFloor();
const saturated = Math.min(median(versus.floor.rpc.map((r) => r.perSecond)), median(versus.router.rpc.map((r) => r.perSecond)));
const figures: Figures = {
  date: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  smoke,
  rounds,
  timing,
  versus,
  ...(await belowSaturationAndLarge(saturated)),
  matrix: await rpcMatrix(),
  client: await clientOverhead(),
  clientPublish: await clientPublishOverhead(),
  scaling: await scaling(),
  memory: await memory(),
  metrics: await metricsCost(),
  seconds: 0,
};
log('cluster: 2 nodes over NATS next to 1 router, --workers 2 next to one process');
const clusterTable = renderCluster(await clusterFigures(timing, log));
(figures as { seconds: number }).seconds = (Date.now() - started) / 1000;

const report = renderReport(figures, median);
process.stdout.write(report.table + '\n');
process.stdout.write(`\nCluster (one nats-server, every router a process of its own):\n${clusterTable}\n`);
if (out !== undefined) {
  const BEGIN = '<!-- bench:begin (generated by npm run bench; edit outside these markers) -->';
  const END = '<!-- bench:end -->';
  let existing = '';
  try {
    existing = await readFile(out, 'utf8');
  } catch {
    existing = '';
  }
  const chartLinks = '![Throughput of the router against the floor](docs/bench/throughput.svg)\n\n![RPC latency below saturation, router and floor](docs/bench/latency.svg)';
  const generated = `${BEGIN}\n${report.markdown}\n\n${chartLinks}\n${END}`;
  const at = existing.indexOf('<!-- bench:begin');
  const end = existing.indexOf(END);
  const next = at >= 0 && end > at ? existing.slice(0, at) + generated + existing.slice(end + END.length) : `# Benchmarks\n\n${generated}\n`;
  await writeFile(out, withCluster(next, clusterTable));
  // The charts beside the report: docs/bench/*.svg, linked from BENCHMARKS.md.
  const chartDir = join(dirname(out), 'docs', 'bench');
  await mkdir(chartDir, { recursive: true });
  const charts = renderCharts(figures, median);
  await writeFile(join(chartDir, 'throughput.svg'), charts.throughput);
  await writeFile(join(chartDir, 'latency.svg'), charts.latency);
  log(`wrote ${out}`);
}
/** The cluster table between its own markers (added after the generated block the first time). */
function withCluster(text: string, table: string): string {
  const BEGIN = '<!-- bench-cluster:begin (generated by npm run bench) -->';
  const END = '<!-- bench-cluster:end -->';
  const block = `${BEGIN}\n${table}\n${END}`;
  const at = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (at >= 0 && end > at) return text.slice(0, at) + block + text.slice(end + END.length);
  return `${text.trimEnd()}\n\n## Cluster\n\n${block}\n`;
}
if (report.failures > 0) log(`${report.failures} target(s) missed`);
process.exit(0);
