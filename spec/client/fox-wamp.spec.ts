import type { AddressInfo } from 'node:net';
import FoxRouter from 'fox-wamp';
import { lastValueFrom, Observable, toArray } from 'rxjs';
import type { WebSocketServer } from 'ws';
import { WampClient } from '../../src/client/wamp-client.js';
import { WampError } from '../../src/protocol/errors.js';
import { WampResult } from '../../src/session/role-types.js';
import { firstKeeping } from '../support/router-clients.js';

/**
 * WampClient, with default options, on fox-wamp (npm) as the router: fox-wamp sends
 * RESULT, EVENT and INVOCATION with null Arguments/ArgumentsKw and numbers INVOCATIONs
 * its own way, and the client must take all of it.
 */
describe('WampClient against fox-wamp (npm) as the router', () => {
  let server: WebSocketServer;
  let url: string;
  const clients: WampClient[] = [];
  const client = (): WampClient => {
    const c = new WampClient({ url, realm: 'realm1', reconnect: false });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const router = new FoxRouter();
    server = router.listenWAMP({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('registers, and calls with args, with kwargs and with nothing', async () => {
    const callee = client();
    const caller = client();
    await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
    await firstKeeping(callee.register('com.example.echo', (args, kwargs) => new WampResult(args, kwargs)));
    await firstKeeping(callee.register('com.example.nothing', () => undefined));
    expect((await lastValueFrom(caller.call('com.example.add', [2, 3]))).args).toEqual([5]);
    const echo = await lastValueFrom(caller.call('com.example.echo', [], { k: 'v' }));
    expect(echo.kwargs).toEqual({ k: 'v' });
    const nothing = await lastValueFrom(caller.call('com.example.nothing'));
    expect(nothing.args).toEqual([]);
    expect(nothing.kwargs).toEqual({});
    // The callee's session survives its invocations, whatever ids fox-wamp gave them.
    expect((await lastValueFrom(caller.call('com.example.add', [40, 2]))).args).toEqual([42]);
    expect(callee.session!.state).toBe('established');
  });

  it('streams progressive results from a callee', async () => {
    const callee = client();
    const caller = client();
    await firstKeeping(
      callee.register('com.example.count', () => new Observable<number>((s) => {
        s.next(1);
        s.next(2);
        s.next(3);
        s.complete();
      })),
    );
    const results = await lastValueFrom(caller.call('com.example.count', [], {}, { receive_progress: true }).pipe(toArray()));
    expect(results.map((r) => [r.args[0], r.progress])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('carries a callee error to the caller', async () => {
    const callee = client();
    const caller = client();
    await firstKeeping(callee.register('com.example.fail', () => {
      throw new WampError('com.example.error.bad', ['bad input']);
    }));
    const error = await lastValueFrom(caller.call('com.example.fail')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WampError);
    // fox-wamp reports a callee's error under its own URI, the callee's URI as the argument.
    expect((error as WampError).uri).toBe('wamp.error.callee_failure');
    expect((error as WampError).args).toEqual(['com.example.error.bad']);
  });

  it('subscribes and publishes (args, kwargs, none), acknowledged and not', async () => {
    const subscriber = client();
    const publisher = client();
    const received: Array<[unknown[], Record<string, unknown>]> = [];
    const three = new Promise<void>((resolve) =>
      subscriber.subscribe('com.example.news').subscribe((e) => {
        received.push([e.args, e.kwargs]);
        if (received.length === 3) resolve();
      }),
    );
    // fox-wamp handles a session's messages in order: once the subscriber's own acknowledged
    // PUBLISH (sent after its SUBSCRIBE) is answered, the subscription is in place.
    await lastValueFrom(subscriber.publish('com.example.other', [], {}, { acknowledge: true }));
    await lastValueFrom(publisher.publish('com.example.news', ['a'], {}, { acknowledge: true }));
    await lastValueFrom(publisher.publish('com.example.news', [], { k: 1 }), { defaultValue: undefined });
    await lastValueFrom(publisher.publish('com.example.news', [], {}, { acknowledge: true }));
    await three;
    expect(received).toEqual([
      [['a'], {}],
      [[], { k: 1 }],
      [[], {}],
    ]);
  });
});
