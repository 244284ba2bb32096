/**
 * `npm run bench:soak`: three `rxwamp-router` nodes on one nats-server; 10,000 calls and
 * 100,000 events across nodes in a mix. Checks that every call is answered and every
 * event reaches every live subscriber exactly once, and reports the nodes' memory after
 * each half (it should stay flat). Needs `nats-server` on the PATH (dist/ is built when stale).
 */
import { readFileSync } from 'node:fs';
import { lastValueFrom } from 'rxjs';
import { WampClient } from '../src/client/wamp-client.js';
import { ensureBuilt } from '../spec/support/built-package.js';
import { startClusterNode } from '../spec/support/cluster-nodes.js';
import type { ClusterNode } from '../spec/support/cluster-nodes.js';
import { startNatsServer } from '../spec/support/nats-server.js';
import { firstKeeping, settled } from '../spec/support/router-clients.js';

const CALLS = Number(process.env['SOAK_CALLS'] ?? 10_000);
const EVENTS = Number(process.env['SOAK_EVENTS'] ?? 100_000);
const BATCH_EVENTS = 500;
const started = Date.now();
const log = (text: string): void => void process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}\n`);

/** Resident memory of a process, in MiB. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

await ensureBuilt();
const nats = await startNatsServer();
const nodes: ClusterNode[] = [];
const clients: WampClient[] = [];
let failed = false;
try {
  nodes.push(...(await Promise.all(['a', 'b', 'c'].map((name) => startClusterNode(nats.url, 'soak', name)))));
  const connect = async (node: ClusterNode): Promise<WampClient> => {
    const client = new WampClient({ url: node.ws, realm: 'realm1', reconnect: false });
    clients.push(client);
    await settled(client);
    return client;
  };
  const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
  // Callees on a and c share the procedure; callers and publishers on b and c; subscribers on every node.
  for (const node of [a, c]) await firstKeeping((await connect(node)).register('soak.echo', (args) => args[0], { invoke: 'roundrobin' }));
  const seen: Array<Set<number>> = [];
  let duplicates = 0;
  for (const node of [a, a, b, b, c, c]) {
    const got = new Set<number>();
    seen.push(got);
    (await connect(node)).subscribe('soak.topic').subscribe((event) => {
      const n = event.args[0] as number;
      if (got.has(n)) duplicates++;
      got.add(n);
    });
  }
  for (const client of clients) await settled(client);
  const senders = [await connect(b), await connect(c)];
  let answered = 0;
  let wrong = 0;
  let published = 0;
  const memory: string[] = [];
  const batches = Math.ceil(EVENTS / BATCH_EVENTS);
  const callsPerBatch = Math.ceil(CALLS / batches);
  let calls = 0;
  for (let batch = 0; batch < batches; batch++) {
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < BATCH_EVENTS && published < EVENTS; i++) {
      const n = published++;
      work.push(lastValueFrom(senders[n % 2]!.publish('soak.topic', [n], {}, { acknowledge: true })));
    }
    for (let i = 0; i < callsPerBatch && calls < CALLS; i++) {
      const n = calls++;
      work.push(lastValueFrom(senders[n % 2]!.call('soak.echo', [n])).then((r) => (r.args[0] === n ? answered++ : wrong++)));
    }
    await Promise.all(work);
    if (batch === Math.floor(batches / 2) - 1 || batch === batches - 1) {
      memory.push(nodes.map((n) => `${n.name} ${rssMiB(n.child.pid!).toFixed(0)} MiB`).join(', '));
      log(`${published} events, ${calls} calls: RSS ${memory.at(-1)!}`);
    }
  }
  // Acknowledged means accepted by the publisher's node; wait for delivery on the others.
  const deadline = Date.now() + 60_000;
  while (seen.some((s) => s.size < EVENTS) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const missing = seen.map((s) => EVENTS - s.size);
  const seconds = (Date.now() - started) / 1000;
  console.log(`calls: ${answered}/${CALLS} answered correctly, ${wrong} wrong`);
  console.log(`events: ${EVENTS} published, ${seen.length} subscribers on 3 nodes; missing per subscriber ${JSON.stringify(missing)}, duplicates ${duplicates}`);
  console.log(`node memory (RSS) after half: ${memory[0]}; at the end: ${memory[1]}`);
  console.log(`took ${seconds.toFixed(1)} s`);
  failed = answered !== CALLS || wrong > 0 || duplicates > 0 || missing.some((m) => m !== 0);
  console.log(failed ? 'SOAK FAILED' : 'soak passed');
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(nodes.map((node) => node.stop()));
  await nats.remove();
}
process.exit(failed ? 1 : 0);
