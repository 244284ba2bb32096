// A router in a Web Worker, and clients on the page talking to it over postMessage: WAMP
// with no server at all (offline apps, tests, a page's own message bus).
//   npx esbuild examples/worker-router/main.ts examples/worker-router/router.worker.ts \
//     --bundle --format=esm --outdir=examples/worker-router/dist
//   then serve examples/worker-router/ (e.g. npx http-server) and open index.html.
import { lastValueFrom, take, toArray } from 'rxjs';
import { workerClient } from './worker-client.js';

/** Registers, calls and publishes through the router in `worker`, printing what happens. */
export async function demo(worker: Worker, print: (line: string) => void): Promise<void> {
  const backend = workerClient(worker);
  const page = workerClient(worker, { serializer: 'msgpack' });
  await new Promise((registered) => backend.register('com.example.greet', ([name]) => `hello, ${String(name)}, from the worker's router`).subscribe(registered));
  const reply = await lastValueFrom(page.call('com.example.greet', ['page']));
  print(`call: ${String(reply.args[0])}`);
  const ticks = lastValueFrom(page.subscribe('com.example.ticks').pipe(take(3), toArray()));
  await lastValueFrom(page.call('wamp.session.count')); // the SUBSCRIBE is in place
  for (const n of [1, 2, 3]) await lastValueFrom(backend.publish('com.example.ticks', [n], {}, { acknowledge: true }));
  print(`events: ${(await ticks).map((e) => String(e.args[0])).join(', ')}`);
  await Promise.all([backend.close(), page.close()]);
  print('done');
}

const log = typeof document === 'undefined' ? null : document.querySelector('#log');
if (log !== null) {
  const worker = new Worker(new URL('./router.worker.js', import.meta.url), { type: 'module' });
  void demo(worker, (line) => log.append(`${line}\n`)).finally(() => worker.terminate());
}
