import { lastValueFrom, of, toArray } from 'rxjs';
import { Worker } from 'node:worker_threads';
import { WampClient } from '../../src/client/wamp-client.js';
import { Router } from '../../src/router/index.js';
import { messagePortTransport } from '../../src/transport/message-port.js';
import type { Frame } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport.js';
import { firstKeeping } from '../support/router-clients.js';

describe('messagePortTransport', () => {
  it('carries text and byte frames both ways as structured clones, then ends in band', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = messagePortTransport(port1, { protocol: 'wamp.2.msgpack' });
    const b = messagePortTransport(port2, { protocol: 'wamp.2.msgpack' });
    expect(a.protocol).toBe('wamp.2.msgpack');
    const atB = lastValueFrom(b.incoming$.pipe(toArray()));
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    a.outgoing.next('text frame');
    a.outgoing.next(new Uint8Array([1, 2, 3]));
    a.outgoing.next(backing.subarray(2, 5)); // a view: only its own bytes travel
    a.outgoing.complete();
    const frames: Frame[] = await atB;
    expect(frames).toEqual(['text frame', new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])]);
    expect((frames[2] as Uint8Array).buffer.byteLength).toBe(3);
  });

  it('holds frames that arrive before incoming$ is subscribed, and reports a failure reason', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = messagePortTransport(port1);
    const b = messagePortTransport(port2);
    a.outgoing.next('early');
    a.outgoing.error(new Error('gave up'));
    const seen: Frame[] = [];
    const error = await new Promise<unknown>((resolve) => b.incoming$.subscribe({ next: (f) => seen.push(f), error: resolve, complete: () => resolve(undefined) }));
    expect(seen).toEqual(['early']);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toMatch(/gave up/);
  });

  it('ignores traffic on the channel that is not a frame', async () => {
    const { port1, port2 } = new MessageChannel();
    const b = messagePortTransport(port2);
    const frames = lastValueFrom(b.incoming$.pipe(toArray()));
    port1.postMessage({ somethingElse: true });
    port1.postMessage(42);
    port1.postMessage('[1]');
    port1.postMessage({ rxwamp: 'close' });
    expect(await frames).toEqual(['[1]']);
    port1.close();
  });

  it('runs a WAMP session between a client and a router over a MessageChannel', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const connect = (): WampClient =>
      new WampClient({
        realm: 'realm1',
        reconnect: false,
        transport: () => {
          const { port1, port2 } = new MessageChannel();
          router.attach(messagePortTransport(port2, { protocol: 'wamp.2.cbor' }));
          return of(messagePortTransport(port1, { protocol: 'wamp.2.cbor' }));
        },
      });
    const callee = connect();
    const caller = connect();
    await firstKeeping(callee.register('com.example.add', ([a, b]) => (a as number) + (b as number)));
    const result = await lastValueFrom(caller.call('com.example.add', [2, 3]));
    expect(result.args).toEqual([5]);
    await caller.close();
    await callee.close();
    await router.close();
  });

  it('reaches a router in a worker thread, one MessageChannel per connection', async () => {
    // The worker registers tsx itself (--import in execArgv does not reach a worker's entry on Node 20).
    const entry = new URL('../support/router-worker.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      const client = new WampClient({
        realm: 'realm1',
        reconnect: false,
        transport: () => {
          const { port1, port2 } = new MessageChannel();
          worker.postMessage({ connect: port2 }, [port2 as never]);
          return of(messagePortTransport(port1));
        },
      });
      await firstKeeping(client.register('com.example.where', () => 'in the worker'));
      const result = await lastValueFrom(client.call('com.example.where'));
      expect(result.args).toEqual(['in the worker']);
      await client.close();
    } finally {
      await worker.terminate();
    }
  });
});
