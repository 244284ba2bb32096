/** Turns the measured figures into the console table and the BENCHMARKS.md section. */
import { renderBarChart } from './svg-chart.js';
import type { BarGroup } from './svg-chart.js';
import type { Rate, Timing } from './scenarios.js';

/** Everything one `npm run bench` measured. */
export interface Figures {
  readonly date: string;
  readonly node: string;
  readonly cores: number;
  readonly cpu: string;
  readonly smoke: boolean;
  readonly rounds: number;
  readonly timing: Timing;
  readonly seconds: number;
  readonly versus: {
    readonly floor: { rpc: Rate[]; fan8: Rate[]; fan64: Rate[] };
    readonly router: { rpc: Rate[]; fan8: Rate[]; fan64: Rate[] };
  };
  readonly matrix: Array<{ codec: string; transport: string; rate: Rate }>;
  readonly client: { raw: Rate[]; client: Rate[] };
  /** Acknowledged publications per second, a WampClient publisher against a raw one, alternately. */
  readonly clientPublish?: { raw: Rate[]; client: Rate[] };
  readonly scaling: Array<{ count: number; publish: Rate; call: Rate; seedSeconds: number }>;
  readonly memory: { sessions: number; floor: number; router: number };
  /** Latency below saturation: paced calls at fractions of the saturated rate, floor and router alternately. */
  readonly load?: Array<{ fraction: number; rate: number; floor: Rate[]; router: Rate[] }>;
  /** RPC with one large argument, floor and router alternately. */
  readonly large?: Array<{ bytes: number; floor: Rate[]; router: Rate[] }>;
  /** What metrics cost: the router alone in one process, and end to end over sockets. */
  readonly metrics?: MetricsCost;
}

/** Router CPU µs per message (call or publication) with counters on and off, one value per round. */
export interface MetricsInProcess {
  readonly rpc: { readonly on: number[]; readonly off: number[] };
  readonly fanout: { readonly on: number[]; readonly off: number[] };
  /** CPU µs of one scrape of /metrics (process metrics included). */
  readonly scrapeUs: number;
}

/** The cost of metrics, measured two ways. */
export interface MetricsCost {
  /** The router alone over loopback transports, raw frames (bench/metrics-cost.ts): precise, the target's figure. */
  readonly inProcess: MetricsInProcess;
  /** Two router processes (on: counters and /metrics scraped every second; off: `stats: false`), over WebSocket, alternately. */
  readonly endToEnd: { readonly on: { rpc: Rate[]; fan8: Rate[] }; readonly off: { rpc: Rate[]; fan8: Rate[] }; readonly scrapes: number };
}

/**
 * The cost of metrics as rows. The target (under 5% on the RPC and fan-out paths) is judged
 * on the router's CPU per message measured in one process, round by round; the end-to-end
 * figures over sockets are shown beside it (on a shared machine their noise exceeds 5%).
 */
export function metricsRows(m: MetricsCost, median: (values: number[]) => number, verdict: (ok: boolean) => string): Row[] {
  const rows: Row[] = [];
  const inProcess = m.inProcess;
  for (const [name, arms, ends] of [
    ['RPC', inProcess.rpc, [m.endToEnd.on.rpc, m.endToEnd.off.rpc]],
    ['fan-out, 8 subscribers', inProcess.fanout, [m.endToEnd.on.fan8, m.endToEnd.off.fan8]],
  ] as const) {
    // The ratio of the arms' medians: on a shared machine single rounds swing by ±10% either
    // way, and the median of each arm over many alternating rounds is the steadier figure.
    const ratio = median(arms.on) / median([...arms.off]);
    rows.push([`Metrics cost, ${name}: router CPU µs per message, counters on / off (one process)`, n2(median(arms.on)), n2(median([...arms.off])), n2(ratio), '< 1.05', verdict(ratio < 1.05)]);
    const [on, off] = ends;
    if (on.length > 0) {
      rows.push([
        `  end to end over WebSocket, on (scraped every s) / off: CPU µs per message; throughput`,
        `${n2(median(on.map((r) => r.cpuUs)))}; ${n0(median(on.map((r) => r.perSecond)))}/s`,
        `${n2(median(off.map((r) => r.cpuUs)))}; ${n0(median(off.map((r) => r.perSecond)))}/s`,
        `${n2(median(on.map((r) => r.cpuUs)) / median(off.map((r) => r.cpuUs)))}; ${n2(median(on.map((r) => r.perSecond)) / median(off.map((r) => r.perSecond)))}`,
        '',
        '',
      ]);
    }
  }
  rows.push([`  one scrape of /metrics (router CPU; at one scrape per second, a share of one core)`, `${n0(inProcess.scrapeUs)} µs`, '', `${((inProcess.scrapeUs / 1e6) * 100).toFixed(2)}%`, '', '']);
  return rows;
}

/** The per-round figures of the metrics cost, for the markdown. */
function metricsDetails(m: MetricsCost): string[] {
  const list = (values: readonly number[]): string => values.map(n2).join(', ');
  const e = m.endToEnd;
  return [
    `- metrics, one process, router CPU µs per call on: ${list(m.inProcess.rpc.on)}; off: ${list(m.inProcess.rpc.off)}`,
    `- metrics, one process, router CPU µs per publication (8 subscribers) on: ${list(m.inProcess.fanout.on)}; off: ${list(m.inProcess.fanout.off)}`,
    `- metrics end to end (${e.scrapes} scrapes): RPC on ${e.on.rpc.map((r) => n0(r.perSecond)).join(', ')}/s (${list(e.on.rpc.map((r) => r.cpuUs))} µs), off ${e.off.rpc.map((r) => n0(r.perSecond)).join(', ')}/s (${list(e.off.rpc.map((r) => r.cpuUs))} µs); ` +
      `fan-out on ${e.on.fan8.map((r) => n0(r.perSecond)).join(', ')}/s (${list(e.on.fan8.map((r) => r.cpuUs))} µs), off ${e.off.fan8.map((r) => n0(r.perSecond)).join(', ')}/s (${list(e.off.fan8.map((r) => r.cpuUs))} µs)`,
  ];
}

/** One line of the report. */
export type Row = [figure: string, measured: string, baseline: string, ratio: string, target: string, verdict: string];

const n0 = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const n2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const ms = (us: number): string => (Number.isFinite(us) ? `${(us / 1000).toFixed(1)} ms` : 'n/a');
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const kibOrMib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** Renders the table (console) and the markdown section; counts missed targets. */
export function renderReport(f: Figures, median: (values: number[]) => number): { table: string; markdown: string; failures: number } {
  const rows: Row[] = [];
  let failures = 0;
  const verdict = (ok: boolean): string => {
    if (!ok) failures++;
    return ok ? 'met' : 'MISSED';
  };
  const rates = (list: Rate[]): number => median(list.map((r) => r.perSecond));
  const ratios = (a: Rate[], b: Rate[]): number => median(a.map((r, i) => r.perSecond / b[i]!.perSecond));

  const { floor, router } = f.versus;
  const rpcRatio = ratios(router.rpc, floor.rpc);
  rows.push(['RPC calls/s, JSON over WebSocket (router / floor)', n0(rates(router.rpc)), n0(rates(floor.rpc)), n2(rpcRatio), '≥ 0.85', verdict(rpcRatio >= 0.85)]);
  const cpu = (list: Rate[]): number => median(list.map((r) => r.cpuUs));
  rows.push(['  server CPU per call (floor / router: > 1 means the router is cheaper)', `${n2(cpu(router.rpc))} µs`, `${n2(cpu(floor.rpc))} µs`, n2(median(router.rpc.map((r, i) => floor.rpc[i]!.cpuUs / r.cpuUs))), '', '']);
  rows.push(['  latency p50 / p99', `${ms(median(router.rpc.map((r) => r.p50Us)))} / ${ms(median(router.rpc.map((r) => r.p99Us)))}`, `${ms(median(floor.rpc.map((r) => r.p50Us)))} / ${ms(median(floor.rpc.map((r) => r.p99Us)))}`, '', '', '']);
  const fan8 = ratios(router.fan8, floor.fan8);
  rows.push(['Events/s, 8 subscribers (router / floor)', n0(rates(router.fan8)), n0(rates(floor.fan8)), n2(fan8), '≥ 1.0', verdict(fan8 >= 1.0)]);
  rows.push(['  server CPU per publication, 8 subscribers (floor / router)', `${n2(cpu(router.fan8))} µs`, `${n2(cpu(floor.fan8))} µs`, n2(median(router.fan8.map((r, i) => floor.fan8[i]!.cpuUs / r.cpuUs))), '', '']);
  const fan64 = ratios(router.fan64, floor.fan64);
  rows.push(['Events/s, 64 subscribers (router / floor)', n0(rates(router.fan64)), n0(rates(floor.fan64)), n2(fan64), '≥ 1.0', verdict(fan64 >= 1.0)]);
  const floorRpc = rates(floor.rpc);
  for (const m of f.matrix) {
    const name = `RPC calls/s, ${m.codec === 'json' ? 'JSON' : 'MessagePack'} over ${m.transport === 'ws' ? 'WebSocket' : 'RawSocket'} (p50 ${ms(m.rate.p50Us)}, p99 ${ms(m.rate.p99Us)})`;
    rows.push([name, n0(m.rate.perSecond), `${n0(floorRpc)} (floor, JSON/WS)`, n2(m.rate.perSecond / floorRpc), '', '']);
  }
  const first = f.scaling[0];
  const last = f.scaling.at(-1);
  // The cost of a message is the router's CPU time per message: unlike wall time, it does not
  // depend on how the cores are shared with the load generators (and other processes).
  for (const level of f.scaling) {
    for (const [what, unit, pick] of [
      ['Publish cost', 'other subscriptions', (l: typeof level) => l.publish],
      ['Call cost', 'other registrations', (l: typeof level) => l.call],
    ] as const) {
      const rate = pick(level);
      const base = first === undefined ? undefined : pick(first);
      const ratio = base === undefined ? NaN : rate.cpuUs / base.cpuUs;
      const isFirst = level === first;
      const isLast = level === last && !isFirst;
      rows.push([
        `${what}, ${n0(level.count)} ${unit} (router CPU µs/msg; wall µs/msg)`,
        `${n2(rate.cpuUs)}; ${n2(1e6 / rate.perSecond)}`,
        isFirst ? '' : `${n2(base!.cpuUs)}; ${n2(1e6 / base!.perSecond)} (at ${n0(first!.count)})`,
        isFirst ? '' : n2(ratio),
        isLast ? '≤ 1.2' : '',
        isLast ? verdict(ratio <= 1.2) : '',
      ]);
    }
  }
  const beyond = f.memory.router - f.memory.floor;
  rows.push([`Memory per idle session, ${n0(f.memory.sessions)} sessions (router / floor relay)`, kib(f.memory.router), kib(f.memory.floor), `+${kib(beyond)}`, '≤ +4 KiB', verdict(beyond <= 4 * 1024)]);
  const clientRatio = ratios(f.client.client, f.client.raw);
  rows.push(['WampClient calls/s (WampClient / raw generator)', n0(rates(f.client.client)), n0(rates(f.client.raw)), n2(clientRatio), '≥ 0.9', verdict(clientRatio >= 0.9)]);
  const callersCpu = (list: Rate[]): number => median(list.map((r) => r.callersCpuUs ?? NaN));
  rows.push(['  callers\' own CPU per call (WampClient / raw generator)', `${n2(callersCpu(f.client.client))} µs`, `${n2(callersCpu(f.client.raw))} µs`, n2(callersCpu(f.client.client) / callersCpu(f.client.raw)), '', '']);
  if (f.clientPublish !== undefined) {
    const publish = f.clientPublish;
    const publishRatio = ratios(publish.client, publish.raw);
    rows.push(['WampClient publishes/s, acknowledged (WampClient / raw generator)', n0(rates(publish.client)), n0(rates(publish.raw)), n2(publishRatio), '≥ 0.9', verdict(publishRatio >= 0.9)]);
    rows.push(['  publisher\'s own CPU per publication (WampClient / raw generator)', `${n2(callersCpu(publish.client))} µs`, `${n2(callersCpu(publish.raw))} µs`, n2(callersCpu(publish.client) / callersCpu(publish.raw)), '', '']);
  }

  for (const level of f.load ?? []) {
    const p = (list: Rate[], key: 'p50Us' | 'p99Us'): string => ms(median(list.map((r) => r[key])));
    rows.push([
      `Latency p50 / p99 at ${Math.round(level.fraction * 100)}% of saturation (${n0(level.rate)} calls/s paced; router / floor)`,
      `${p(level.router, 'p50Us')} / ${p(level.router, 'p99Us')}`,
      `${p(level.floor, 'p50Us')} / ${p(level.floor, 'p99Us')}`,
      n2(median(level.router.map((r, i) => r.p50Us / level.floor[i]!.p50Us))),
      '',
      '',
    ]);
  }
  for (const size of f.large ?? []) {
    const ratio = ratios(size.router, size.floor);
    const mbs = (list: Rate[]): string => `${n2((rates(list) * size.bytes) / 1e6)} MB/s`;
    rows.push([`RPC with a ${kibOrMib(size.bytes)} argument, MB/s of arguments (router / floor)`, mbs(size.router), mbs(size.floor), n2(ratio), '≥ 0.9', verdict(ratio >= 0.9)]);
  }
  if (f.metrics !== undefined) rows.push(...metricsRows(f.metrics, median, verdict));

  const header: Row = ['Figure', 'Measured', 'Baseline', 'Ratio', 'Target', 'Verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: Row): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const table = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');

  const md = [
    `Measured ${f.date.slice(0, 10)} on ${f.cores} cores (${f.cpu}), Node ${f.node}${f.smoke ? ' — SMOKE MODE, not real figures' : ''}.`,
    `Medians of ${f.rounds} rounds; each figure: ${f.timing.warmupMs} ms warm-up, then a ${f.timing.windowMs} ms window. Ratios are taken within a round (floor and router measured back to back), then the median. Whole run: ${f.seconds.toFixed(0)} s.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => c.trim().replace(/\|/g, '\\|')).join(' | ')} |`),
    '',
    'Per-round throughputs (calls or events per second):',
    '',
    `- floor RPC: ${floor.rpc.map((r) => n0(r.perSecond)).join(', ')}; router RPC: ${router.rpc.map((r) => n0(r.perSecond)).join(', ')}`,
    `- floor 8 subscribers: ${floor.fan8.map((r) => n0(r.perSecond)).join(', ')}; router: ${router.fan8.map((r) => n0(r.perSecond)).join(', ')}`,
    `- floor 64 subscribers: ${floor.fan64.map((r) => n0(r.perSecond)).join(', ')}; router: ${router.fan64.map((r) => n0(r.perSecond)).join(', ')}`,
    `- raw callers: ${f.client.raw.map((r) => n0(r.perSecond)).join(', ')}; WampClient callers: ${f.client.client.map((r) => n0(r.perSecond)).join(', ')}`,
    `- callers' own CPU per call, WampClient: ${f.client.client.map((r) => n2(r.callersCpuUs ?? NaN)).join(', ')} µs; raw: ${f.client.raw.map((r) => n2(r.callersCpuUs ?? NaN)).join(', ')} µs`,
    `- router CPU per call, WampClient callers: ${f.client.client.map((r) => n2(r.cpuUs)).join(', ')} µs; raw callers: ${f.client.raw.map((r) => n2(r.cpuUs)).join(', ')} µs`,
    ...(f.clientPublish === undefined
      ? []
      : [
          `- raw publisher: ${f.clientPublish.raw.map((r) => n0(r.perSecond)).join(', ')}; WampClient publisher: ${f.clientPublish.client.map((r) => n0(r.perSecond)).join(', ')} publications/s; ` +
            `own CPU per publication, WampClient: ${f.clientPublish.client.map((r) => n2(r.callersCpuUs ?? NaN)).join(', ')} µs; raw: ${f.clientPublish.raw.map((r) => n2(r.callersCpuUs ?? NaN)).join(', ')} µs`,
        ]),
    ...(f.load ?? []).map((l) => `- paced at ${n0(l.rate)} calls/s, p50 / p99 floor: ${l.floor.map((r) => `${ms(r.p50Us)} / ${ms(r.p99Us)}`).join(', ')}; router: ${l.router.map((r) => `${ms(r.p50Us)} / ${ms(r.p99Us)}`).join(', ')}`),
    ...(f.large ?? []).map((l) => `- ${kibOrMib(l.bytes)} argument, calls/s floor: ${l.floor.map((r) => n0(r.perSecond)).join(', ')}; router: ${l.router.map((r) => n0(r.perSecond)).join(', ')}; server CPU per call floor ${l.floor.map((r) => n0(r.cpuUs)).join(', ')} µs, router ${l.router.map((r) => n0(r.cpuUs)).join(', ')} µs`),
    ...(f.metrics === undefined ? [] : metricsDetails(f.metrics)),
    `- seeding the state took ${f.scaling.map((l) => `${l.seedSeconds.toFixed(1)} s (${n0(l.count)})`).join(', ')}`,
  ].join('\n');
  return { table, markdown: md, failures };
}

/** The charts of a run: throughput of the router against the floor, and latency under load. */
export function renderCharts(f: Figures, median: (values: number[]) => number): { throughput: string; latency: string } {
  const rates = (list: Rate[]): number => median(list.map((r) => r.perSecond));
  const ratios = (a: Rate[], b: Rate[]): number => median(a.map((r, i) => r.perSecond / b[i]!.perSecond));
  const pair = (label: string, router: Rate[], floor: Rate[], unit = '/s', scale = 1): BarGroup => ({
    label,
    bars: [
      { series: 'router (rxwamp)', value: ratios(router, floor), label: `${n2(ratios(router, floor))} (${n0(rates(router) * scale)}${unit})` },
      { series: 'floor relay / raw generator', value: 1, label: `1.00 (${n0(rates(floor) * scale)}${unit})` },
    ],
  });
  const { floor, router } = f.versus;
  const groups: BarGroup[] = [
    pair('RPC, JSON over WebSocket', router.rpc, floor.rpc),
    pair('Fan-out to 8 subscribers', router.fan8, floor.fan8),
    pair('Fan-out to 64 subscribers', router.fan64, floor.fan64),
    pair('WampClient vs raw callers', f.client.client, f.client.raw),
    ...(f.clientPublish === undefined ? [] : [pair('WampClient vs raw publisher', f.clientPublish.client, f.clientPublish.raw)]),
    ...(f.large ?? []).map((l) => pair(`RPC, ${kibOrMib(l.bytes)} argument`, l.router, l.floor, ' MB/s', l.bytes / 1e6)),
  ];
  const throughput = renderBarChart({ title: `Throughput against the floor (${f.date.slice(0, 10)}, ${f.cores} cores)`, axis: 'ratio to the floor (1.0 = floor)', groups, reference: { value: 1, caption: 'floor' } });
  const latencyGroups: BarGroup[] = (f.load ?? []).flatMap((l) =>
    (['p50Us', 'p99Us'] as const).map((key) => ({
      label: `${Math.round(l.fraction * 100)}% load (${n0(l.rate)}/s), ${key === 'p50Us' ? 'p50' : 'p99'}`,
      bars: [
        { series: 'router (rxwamp)', value: median(l.router.map((r) => r[key])) / 1000, label: ms(median(l.router.map((r) => r[key]))) },
        { series: 'floor relay / raw generator', value: median(l.floor.map((r) => r[key])) / 1000, label: ms(median(l.floor.map((r) => r[key]))) },
      ],
    })),
  );
  const latency = renderBarChart({ title: `RPC latency below saturation (${f.date.slice(0, 10)}, ${f.cores} cores)`, axis: 'milliseconds (shorter is better)', groups: latencyGroups });
  return { throughput, latency };
}
