/**
 * `node --import tsx --expose-gc bench/heap-sessions.ts [SESSIONS]`: what the router keeps
 * per idle session. Runs the bench router in this process, takes a heap snapshot with no
 * session and one with SESSIONS idle raw sessions (JSON over WebSocket, from the bench's
 * idle-sessions generator), and prints the difference per session by kind of object (the
 * constructor's name; a closure by its function's name; an array or a backing store by
 * the object and property that holds it). Not part of `npm run bench`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { listen } from '../src/node/listen.js';
import { Router } from '../src/router/router.js';
import { startGenerator } from './lib/processes.js';
import { settledMemory } from './lib/server-ipc.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const sessions = Number(process.argv[2] ?? 2000);

/** Self size and count by kind of object. */
function byKind(file: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = heap.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = heap.nodes.length / nodeFields;
  const kindOf = (node: number): string => {
    const type = nodeTypes[heap.nodes[node * nodeFields + typeAt]!]!;
    const name = heap.strings[heap.nodes[node * nodeFields + nameAt]!]!;
    if (type === 'object' || type === 'hidden' || type === 'native') return name;
    if (type === 'closure') return `closure ${name || '(anonymous)'}`;
    if (type.includes('string')) return '(string)';
    return `(${type}) ${name}`;
  };
  // The first holder of each array, backing store or hidden part names it (e.g. `RouterSession.#featureCache`).
  const owner = new Int32Array(count).fill(-1);
  const ownerEdge: string[] = new Array<string>(count);
  let edge = 0;
  for (let node = 0; node < count; node++) {
    const edges = heap.nodes[node * nodeFields + edgeCountAt]!;
    for (let e = 0; e < edges; e++, edge += edgeFields) {
      const to = heap.edges[edge + toAt]! / nodeFields;
      if (owner[to] !== -1) continue;
      const edgeType = edgeTypes[heap.edges[edge + edgeTypeAt]!]!;
      if (edgeType === 'weak') continue;
      owner[to] = node;
      const nameOrIndex = heap.edges[edge + edgeNameAt]!;
      ownerEdge[to] = edgeType === 'element' || edgeType === 'hidden' ? `[${nameOrIndex}]` : heap.strings[nameOrIndex]!;
    }
  }
  // An anonymous closure (or a context, or a property array) is named by what holds it.
  const described = (node: number, depth: number): string => {
    const type = nodeTypes[heap.nodes[node * nodeFields + typeAt]!]!;
    const kind = kindOf(node);
    const anonymous = kind === 'closure (anonymous)' || kind === 'system / Context' || kind === 'Object' || kind === 'Array' || kind === '(string)' || kind === 'Timeout' || type === 'array' || type === 'hidden' || type === 'code';
    if (!anonymous || owner[node]! < 0 || depth === 0) return kind;
    return `${kind} of ${described(owner[node]!, depth - 1)}.${ownerEdge[node]}`;
  };
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let node = 0; node < count; node++) {
    const kind = described(node, 3);
    const entry = kinds.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += heap.nodes[node * nodeFields + sizeAt]!;
    entry.count++;
    kinds.set(kind, entry);
  }
  return kinds;
}

const router = new Router({ realms: [{ name: 'realm1' }], limits: { maxSessions: 1_000_000, maxSessionsPerRealm: 1_000_000 } });
const server = await listen(router, { websocket: { port: 0, path: '/ws' } });
const url = server.urls.find((u) => u.startsWith('ws://'))!;
// One session first, so that what every router keeps once (JIT, lazily built tables) is in both snapshots.
const warm = await startGenerator('load/idle-sessions.ts', { url, sessions: 1 });
const dir = tmpdir();
const bytesBefore = settledMemory();
const before = writeHeapSnapshot(join(dir, `rxwamp-heap-before-${process.pid}.heapsnapshot`));
const idle = await startGenerator('load/idle-sessions.ts', { url, sessions });
const bytesAfter = settledMemory();
const after = writeHeapSnapshot(join(dir, `rxwamp-heap-after-${process.pid}.heapsnapshot`));
await idle.stop();
await warm.stop();
await server.close();

const [kindsBefore, kindsAfter] = [byKind(before), byKind(after)];
rmSync(before);
rmSync(after);
const diff = [...kindsAfter].map(([kind, a]) => {
  const b = kindsBefore.get(kind) ?? { bytes: 0, count: 0 };
  return { kind, bytes: (a.bytes - b.bytes) / sessions, count: (a.count - b.count) / sessions };
});
diff.sort((x, y) => y.bytes - x.bytes);
const total = diff.reduce((sum, d) => sum + d.bytes, 0);
console.log(`${sessions} idle sessions: heap + external ${((bytesAfter - bytesBefore) / sessions / 1024).toFixed(2)} KiB per session; snapshot self sizes ${(total / 1024).toFixed(2)} KiB per session`);
console.log('bytes/session  objects/session  kind');
for (const d of diff.slice(0, Number(process.argv[3] ?? 45))) console.log(`${d.bytes.toFixed(0).padStart(13)}  ${d.count.toFixed(2).padStart(15)}  ${d.kind}`);
process.exit(0);
