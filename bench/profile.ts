/**
 * `node --import tsx bench/profile.ts [rpc|fanout|client|publish|large|large1m] [DIR]`: runs one load with `--cpu-prof` on
 * the router (or on the WampClient callers), then prints the functions with the most self time.
 * Used to find the hot path; not part of `npm run bench`.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, stopAll } from './lib/processes.js';
import { fanout, publishing, rpc, rpcLarge } from './lib/scenarios.js';
import type { Rate } from './lib/scenarios.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const kind = process.argv[2] ?? 'rpc';
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'rxwamp-prof-'));
const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
// 'client' profiles the WampClient callers, 'publish' the WampClient publisher; 'rpc', 'fanout' and 'large' (64 KiB arguments) and 'large1m' (1 MiB) profile the router.
const ofClient = kind === 'client' || kind === 'publish';
const server = await startServer('router-server.ts', {}, ofClient ? [] : profiling);
const timing = { warmupMs: 1000, windowMs: 4000 };
async function load(): Promise<Rate> {
  if (kind === 'client') return rpc(server, 'json', 'ws', timing, 'load/client-callers.ts', profiling);
  if (kind === 'publish') return publishing(server, timing, 'load/client-publisher.ts', profiling);
  if (kind === 'rpc') return rpc(server, 'json', 'ws', timing);
  if (kind.startsWith('large')) return rpcLarge(server, kind === 'large1m' ? 1024 * 1024 : 64 * 1024, timing);
  return fanout(server, 'json', 8, timing);
}
const rate = await load();
console.log(kind, Math.round(rate.perSecond), '/s,', rate.cpuUs.toFixed(1), 'µs router CPU per message');
await stopAll([server]);

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  total += t;
  const where = node.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + t);
}
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [key, t] of top) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
console.log(`profile: ${join(dir, file)}`);
