/**
 * `node --import tsx bench/ws-send-cost.ts [RECEIVERS]`: the CPU cost of `ws`'s send path
 * for one fan-out, in this process alone: each publication's text frame sent to RECEIVERS
 * sockets either as the same JS string (ws and Node's writev encode it to UTF-8 for every
 * receiver) or as one Buffer encoded once (what the router's WebSocket listener does, see
 * src/node/text-frame-bytes.ts). Writes are corked per turn as the router's and the floor's
 * are. The receivers are `ws` clients in a child process. Not part of `npm run bench`.
 */
import { fork } from 'node:child_process';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { median } from './lib/stats.js';

const BATCHES = 300;
const PER_TURN = 32;

if (process.argv[2] === 'receivers') {
  const [url, count] = [process.argv[3]!, Number(process.argv[4])];
  for (let i = 0; i < count; i++) new WebSocket(url).on('open', () => process.send!('open'));
} else {
  const count = Number(process.argv[2] ?? 8);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  const peers: Array<{ ws: WebSocket; socket: Socket }> = [];
  wss.on('connection', (ws, request) => peers.push({ ws, socket: request.socket }));
  const child = fork(fileURLToPath(import.meta.url), ['receivers', `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, String(count)], { execArgv: ['--import', 'tsx'] });
  let opened = 0;
  await new Promise<void>((resolve) => child.on('message', () => ++opened === count && resolve()));
  const event = JSON.stringify([36, 123456789, 987654321012, {}, ['hello', 42, { small: true }]]);
  const text = { binary: false };
  /** CPU µs per publication over BATCHES turns of PER_TURN publications. */
  const run = async (once: boolean): Promise<number> => {
    const before = process.cpuUsage();
    for (let b = 0; b < BATCHES; b++) {
      for (const p of peers) p.socket.cork();
      for (let k = 0; k < PER_TURN; k++) {
        const frame = event.slice(0, -1) + (k % 10) + ']'; // a new string per publication, as the router's encode makes
        const data = once ? Buffer.from(frame) : frame;
        for (const p of peers) p.ws.send(data, text);
      }
      for (const p of peers) p.socket.uncork();
      await new Promise((resolve) => setImmediate(resolve));
      while (peers.some((p) => p.socket.writableLength > 1 << 20)) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (BATCHES * PER_TURN);
  };
  const strings: number[] = [];
  const buffers: number[] = [];
  for (let round = 0; round < 8; round++) {
    // Alternate which goes first; the first round of each warms the JIT.
    if (round % 2 === 0) buffers.push(await run(true)), strings.push(await run(false));
    else strings.push(await run(false)), buffers.push(await run(true));
  }
  const list = (values: number[]): string => values.map((v) => v.toFixed(1)).join(' ');
  console.log(`${count} receivers, CPU µs per publication (median of 8 rounds): a string per receiver ${median(strings).toFixed(2)} (${list(strings)}); one Buffer ${median(buffers).toFixed(2)} (${list(buffers)})`);
  child.kill();
  process.exit(0);
}
