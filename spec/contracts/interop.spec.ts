import { firstValueFrom } from 'rxjs';
import type { Subscription } from 'rxjs';
import { z } from 'zod';
import { defineProcedure, WampClient } from 'rxwamp';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import { openAutobahn } from '../support/autobahn-peer.js';

const add = defineProcedure('com.example.add', { args: z.tuple([z.number(), z.number()]), kwargs: z.object({ round: z.boolean().optional() }), result: z.number() });

describe('interop: Autobahn|JS calls a validating rxwamp callee', () => {
  let router: Router;
  let server: RouterServer;
  let callee: WampClient;
  let registration: Subscription;
  let invoked = 0;

  beforeAll(async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { port: 0, path: '/ws' } });
    callee = new WampClient({ url: server.urls[0]!, realm: 'realm1', reconnect: false });
    await new Promise<void>((resolve, reject) => {
      registration = callee.register(add, ([a, b], { round }) => (invoked++, round === true ? Math.round(a + b) : a + b)).subscribe({ next: () => resolve(), error: reject });
    });
  });

  afterAll(async () => {
    registration.unsubscribe();
    await callee.close();
    await router.close();
    await server.close();
  });

  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    it(`${serializer}: bad arguments come back as wamp.error.invalid_argument with the issues; good ones are answered`, async () => {
      const { session, close } = await openAutobahn({ kind: 'websocket', url: server.urls[0]!, serializer });
      try {
        const before = invoked;
        let failure: { error: string; args: unknown[]; kwargs: { issues?: Array<{ message: string; path: unknown[] }> } } | undefined;
        await session.call('com.example.add', [2, 'three'], { round: 'yes' }).then(
          () => undefined,
          (err: typeof failure) => (failure = err),
        );
        expect(failure?.error).toBe('wamp.error.invalid_argument');
        expect(failure?.kwargs.issues?.map((i) => i.path)).toEqual([['args', 1], ['kwargs', 'round']]);
        expect(failure?.kwargs.issues?.every((i) => typeof i.message === 'string' && i.message.length > 0)).toBeTrue();
        expect(String(failure?.args[0])).toContain('com.example.add: invalid call arguments');
        expect(invoked).withContext('the handler never ran').toBe(before);
        if (serializer === 'json') {
          const sum: unknown = await session.call('com.example.add', [2.4, 3], { round: true });
          expect(sum).toBe(5);
        }
      } finally {
        await close();
      }
    });
  }

  it('the rxwamp callee stayed registered and answers an rxwamp caller', async () => {
    const caller = new WampClient({ url: server.urls[0]!, realm: 'realm1', reconnect: false });
    try {
      expect((await firstValueFrom(caller.call(add, [1, 2]))).args).toEqual([3]);
    } finally {
      await caller.close();
    }
  });
});
