/**
 * Micro-benchmark of the three serializers: encode and decode of representative CALL,
 * EVENT and RESULT messages. Not a test. Run: `npm run bench:serializers`
 * (or `npx tsx bench/serializers.ts [millisecondsPerCase]`).
 */
import { messageFromArray } from '../src/protocol/message.js';
import type { WampMessage } from '../src/protocol/message.js';
import { CborSerializer } from '../src/serialization/cbor.js';
import { JsonSerializer } from '../src/serialization/json.js';
import { MsgpackSerializer } from '../src/serialization/msgpack.js';
import type { Serializer } from '../src/serialization/serializer.js';

/** Messages of the shape the hot paths carry: small args, a kwargs dict, typical Details. */
const MESSAGES: ReadonlyArray<readonly [label: string, message: WampMessage]> = [
  ['CALL', messageFromArray([48, 7814135, { receive_progress: true, timeout: 5000 }, 'com.myapp.user.new', ['johnny', 42], { firstname: 'John', surname: 'Doe' }])],
  [
    'EVENT',
    messageFromArray([
      36,
      5512315355,
      4429313566,
      { publisher: 3335656, topic: 'com.myapp.sensor.temperature' },
      [{ sensor: 'a17', value: 21.5, ts: 1732521600000 }],
      { unit: 'C', tags: ['kitchen', 'floor1'] },
    ]),
  ],
  ['RESULT', messageFromArray([50, 7814135, {}, [30, 'done', true], { userid: 123, karma: 10 }])],
];

const SERIALIZERS: readonly Serializer[] = [new JsonSerializer(), new MsgpackSerializer(), new CborSerializer()];

const budgetMs = Number(process.argv[2] ?? 500);
/** Keeps results alive so the engine cannot drop the work as dead code. */
let sink = 0;

/** Runs `op` repeatedly for about `ms` milliseconds; returns iterations and elapsed nanoseconds. */
function runFor(op: () => unknown, ms: number): { iterations: number; ns: number } {
  const batch = 1000;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let iterations = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) if (op() !== undefined) sink++;
    iterations += batch;
    now = process.hrtime.bigint();
  }
  return { iterations, ns: Number(now - start) };
}

function measure(op: () => unknown): { opsPerSec: number; nsPerOp: number } {
  runFor(op, Math.max(100, budgetMs / 2)); // warm-up: lets the JIT optimize before timing
  const { iterations, ns } = runFor(op, budgetMs);
  return { opsPerSec: (iterations * 1e9) / ns, nsPerOp: ns / iterations };
}

const rows: string[][] = [];
for (const serializer of SERIALIZERS) {
  for (const [label, message] of MESSAGES) {
    const frame = serializer.encode(message);
    const size = typeof frame === 'string' ? new TextEncoder().encode(frame).length : frame.length;
    const enc = measure(() => serializer.encode(message));
    const dec = measure(() => serializer.decode(frame));
    rows.push([serializer.id, label, String(size), 'encode', enc.opsPerSec.toFixed(0), enc.nsPerOp.toFixed(0)]);
    rows.push([serializer.id, label, String(size), 'decode', dec.opsPerSec.toFixed(0), dec.nsPerOp.toFixed(0)]);
  }
}

const header = ['serializer', 'message', 'bytes', 'op', 'ops/s', 'ns/op'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
console.log(`node ${process.version}, ${budgetMs} ms per case after warm-up`);
console.log(line(header));
for (const row of rows) console.log(line(row));
if (sink === 0) console.log('(no results?)');
