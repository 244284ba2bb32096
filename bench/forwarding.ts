/**
 * What a router pays to forward a CALL's arguments as an INVOCATION, per serializer and
 * argument size: decoded and re-encoded (`eager`), or kept encoded and spliced into the
 * INVOCATION (`lazy`, decodeForwarding). Chooses LAZY_ARGUMENTS_FROM.
 * Not a test. Run: `npm run bench:forwarding` (or `npx tsx bench/forwarding.ts [millisecondsPerCase] [json|msgpack|cbor]`).
 */
import { createMessage, messageFromArray } from '../src/protocol/message.js';
import type { Message } from '../src/protocol/message.js';
import { CborSerializer } from '../src/serialization/cbor.js';
import { JsonSerializer } from '../src/serialization/json.js';
import { MsgpackSerializer } from '../src/serialization/msgpack.js';
import { decodeForwarding } from '../src/serialization/forwarding.js';
import type { Serializer } from '../src/serialization/serializer.js';

const SIZES = [256, 1024, 4 * 1024, 16 * 1024, 64 * 1024, 1024 * 1024];
const budgetMs = Number(process.argv[2] ?? 300);
const only = process.argv[3];
const SERIALIZERS: readonly Serializer[] = [new JsonSerializer(), new MsgpackSerializer(), new CborSerializer()].filter((s) => only === undefined || s.id === only);

/** Arguments of about `bytes` octets: one string (a blob, a document), or records (structured data). */
const SHAPES: ReadonlyArray<readonly [string, (bytes: number) => unknown[]]> = [
  ['string', (bytes) => ['x'.repeat(bytes)]],
  ['records', (bytes) => [Array.from({ length: Math.max(1, Math.round(bytes / 40)) }, (_, i) => ({ id: i, name: `item ${i}`, value: i * 0.5 }))]],
];

let sink = 0;

/**
 * CPU time (not wall time) per operation: on a machine shared with other jobs, being
 * descheduled does not count against the operation.
 */
function nsPerOp(op: () => unknown): number {
  const run = (ms: number): number => {
    const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
    const cpu = process.cpuUsage();
    let n = 0;
    do {
      for (let i = 0; i < 10; i++) if (op() !== undefined) sink++;
      n += 10;
    } while (process.hrtime.bigint() < deadline);
    const used = process.cpuUsage(cpu);
    return ((used.user + used.system) * 1000) / n;
  };
  run(Math.max(50, budgetMs / 2));
  return run(budgetMs);
}

/** CALL in, INVOCATION out, as the dealer builds it. */
function forward(serializer: Serializer, frame: string | Uint8Array, lazy: boolean): string | Uint8Array {
  const call = (lazy ? decodeForwarding(serializer, frame, 0) : serializer.decode(frame)) as Message<'CALL'>;
  const { Arguments: args, ArgumentsKw: kwargs } = call.fields;
  return serializer.encode(createMessage('INVOCATION', { Request: 1, Registration: 2, Details: {}, Arguments: args, ArgumentsKw: kwargs }));
}

console.log(`node ${process.version}, ${budgetMs} ms per case after warm-up; CPU µs per CALL forwarded (decode + encode)`);
console.log(['serializer', 'shape', 'bytes', 'eager µs', 'lazy µs', 'lazy/eager'].join('\t'));
for (const serializer of SERIALIZERS) {
  for (const [shape, make] of SHAPES) {
    for (const size of SIZES) {
      const frame = serializer.encode(messageFromArray([48, 7814135, {}, 'com.example.procedure', make(size)]));
      const eager = nsPerOp(() => forward(serializer, frame, false)) / 1000;
      const lazy = nsPerOp(() => forward(serializer, frame, true)) / 1000;
      console.log([serializer.id, shape, frame.length, eager.toFixed(2), lazy.toFixed(2), (lazy / eager).toFixed(2)].join('\t'));
    }
  }
}
if (sink === 0) console.log('(no results?)');
