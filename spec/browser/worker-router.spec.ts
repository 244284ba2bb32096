import { lastValueFrom } from 'rxjs';
import { generatePayloadKey, xsalsa20poly1305Cipher } from '../../src/e2ee/index.js';
import type { WampClient } from '../../src/index.js';
import { demo } from '../../examples/worker-router/main.js';
import { workerClient } from '../../examples/worker-router/worker-client.js';

/** The example's router worker, bundled by karma.conf.js's bundle middleware. */
const startWorker = (): Worker => new Worker('/rxwamp-test/bundle/examples/worker-router/router.worker.js', { type: 'module' });

describe('a router in a Web Worker, the client in the page (examples/worker-router)', () => {
  let worker: Worker;
  let clients: WampClient[];
  /** Rejects when the worker fails to load or throws, so a spec fails at once instead of timing out. */
  let failed: Promise<never>;
  beforeEach(() => {
    worker = startWorker();
    clients = [];
    failed = new Promise((_, reject) => worker.addEventListener('error', (e) => reject(new Error(`the router worker failed: ${e.message}`))));
    failed.catch(() => undefined);
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    worker.terminate();
  });

  it('runs the example: a call and three events through the worker', async () => {
    const lines: string[] = [];
    await Promise.race([demo(worker, (line) => lines.push(line)), failed]);
    expect(lines).toEqual(["call: hello, page, from the worker's router", 'events: 1, 2, 3', 'done']);
  });

  it('carries an end-to-end encrypted call through the worker router', async () => {
    const keys = { k1: generatePayloadKey() };
    const callee = workerClient(worker, { payloadCiphers: [xsalsa20poly1305Cipher(keys)], serializer: 'cbor' });
    const caller = workerClient(worker, { payloadCiphers: [xsalsa20poly1305Cipher(keys)] });
    clients.push(callee, caller);
    await Promise.race([new Promise((registered) => callee.register('com.example.secret', ([x]) => `${String(x)}!`).subscribe(registered)), failed]);
    const result = await lastValueFrom(caller.call('com.example.secret', ['psst'], {}, { ppt_scheme: 'wamp', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k1' }));
    expect(result.args).toEqual(['psst!']);
    expect(result.details['ppt_serializer']).toBe('cbor');
  });
});
