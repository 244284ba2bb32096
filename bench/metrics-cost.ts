/**
 * The cost of metrics measured on the router alone, in one process: the real Router over
 * synchronous loopback transports, driven by raw pre-encoded WAMP frames (no sockets, no
 * client library), so that the router's own CPU time per message is nearly all that is
 * measured. Rounds alternate a router with counters on and one with `stats: false`.
 *
 * A child of `npm run bench` (argv[2]: `{ rounds, calls, events }`); sends `{ type: 'result', … }`.
 */
import type { Frame, Transport } from '../src/transport/transport.js';
import { loopbackPair } from '../src/transport/loopback.js';
import { routerMetrics } from '../src/node/metrics/router-metrics.js';
import { Router } from '../src/router/router.js';

interface Config {
  readonly rounds: number;
  readonly calls: number;
  readonly events: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Partial<Config>;
const rounds = config.rounds ?? 15;
const calls = config.calls ?? 40_000;
const events = config.events ?? 40_000;

/** A raw peer on a loopback transport to `router`: sends JSON frames, hands received ones to `onFrame`. */
function peer(router: Router, onFrame: (frame: string, send: (f: string) => void) => void): { send: (f: string) => void; transport: Transport } {
  const [mine, theirs] = loopbackPair('wamp.2.json');
  const send = (f: string): void => mine.outgoing.next(f);
  mine.incoming$.subscribe((frame: Frame) => onFrame(frame as string, send));
  router.attach(theirs);
  send('[1,"realm1",{"roles":{"caller":{},"callee":{},"publisher":{},"subscriber":{}}}]');
  return { send, transport: mine };
}

/**
 * CPU µs per call: one callee echoing, one caller keeping 64 calls in flight. The callee
 * answers in a later microtask, as a remote one answers in a later turn: the router sees
 * CALLs and YIELDs arrive in batches, as from a socket under load.
 */
async function rpcRound(stats: boolean): Promise<number> {
  const router = new Router({ realms: [{ name: 'realm1' }], stats });
  peer(router, (frame, send) => {
    if (frame.startsWith('[68,')) {
      const request = frame.slice(4, frame.indexOf(',', 4));
      queueMicrotask(() => send(`[70,${request},{},[1]]`));
    }
  }).send('[64,1,{},"bench.echo"]');
  let sent = 0;
  let answered = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const caller = peer(router, (frame, send) => {
    if (!frame.startsWith('[50,')) return;
    answered++;
    if (sent < calls) send(`[48,${++sent},{},"bench.echo",[1]]`);
    else if (answered === calls) done();
  });
  const before = process.cpuUsage();
  // Each answer sends the next call, so 64 are in flight.
  for (let i = 0; i < 64 && sent < calls; i++) caller.send(`[48,${++sent},{},"bench.echo",[1]]`);
  await finished;
  const used = process.cpuUsage(before);
  if (answered !== calls) throw new Error(`${answered} of ${calls} calls answered`);
  void router.close();
  return (used.user + used.system) / calls;
}

/** CPU µs per publication: 8 subscribers, one publisher. */
function fanoutRound(stats: boolean): number {
  const router = new Router({ realms: [{ name: 'realm1' }], stats });
  let received = 0;
  for (let i = 0; i < 8; i++) peer(router, (frame) => void (frame.startsWith('[36,') && received++)).send('[32,1,{},"bench.hot"]');
  const publisher = peer(router, () => undefined);
  const before = process.cpuUsage();
  for (let i = 1; i <= events; i++) publisher.send(`[16,${i},{},"bench.hot",[${i}]]`);
  const used = process.cpuUsage(before);
  if (received !== events * 8) throw new Error(`${received} of ${events * 8} events delivered`);
  void router.close();
  return (used.user + used.system) / events;
}

/** CPU µs of one scrape of /metrics (the registry's text, process metrics included). */
async function scrapeCost(): Promise<number> {
  const metrics = routerMetrics(new Router({ realms: [{ name: 'realm1' }] }));
  await metrics.text();
  const before = process.cpuUsage();
  for (let i = 0; i < 20; i++) await metrics.text();
  const used = process.cpuUsage(before);
  metrics.close();
  return (used.user + used.system) / 20;
}

// Warm the JIT on both paths of both arms before anything counts.
for (let i = 0; i < 3; i++) for (const stats of [true, false]) await rpcRound(stats), fanoutRound(stats);
const result = { rpc: { on: [] as number[], off: [] as number[] }, fanout: { on: [] as number[], off: [] as number[] }, scrapeUs: 0 };
for (let round = 0; round < rounds; round++) {
  // Alternate which arm goes first within a round.
  const order = round % 2 === 0 ? [true, false] : [false, true];
  for (const stats of order) result.rpc[stats ? 'on' : 'off'].push(await rpcRound(stats));
  for (const stats of order) result.fanout[stats ? 'on' : 'off'].push(fanoutRound(stats));
}
result.scrapeUs = await scrapeCost();
if (process.send !== undefined) {
  process.on('message', (message: { type?: string }) => message.type === 'stop' && process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'result', result });
} else {
  console.log(JSON.stringify(result));
}
