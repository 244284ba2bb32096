import { lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { Wampy } from 'wampy';
import { WampClient } from '../../src/client/wamp-client.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import type { PptSerializerName } from '../../src/session/ppt/ppt-mode.js';
import { WampResult } from '../../src/session/role-types.js';
import { collect, settled } from '../support/router-clients.js';
import { WAMPY_SERIALIZERS } from '../support/wampy-peer.js';

/** The payload of an invocation or event as Wampy hands it to its callbacks. */
interface WampyData {
  details: Record<string, unknown>;
  argsList?: unknown[];
  argsDict?: Record<string, unknown>;
}

/**
 * Which ppt_serializers Wampy.js 8 can exchange over each transport serialization:
 * Wampy's JSON transport has no binary convention (bytes do not survive it), so over JSON
 * only payloads that are not bytes work (native, json).
 */
const MATRIX: Array<[SerializerName, PptSerializerName[]]> = [
  ['json', ['native', 'json']],
  ['msgpack', ['native', 'json', 'msgpack', 'cbor']],
  ['cbor', ['native', 'json', 'msgpack', 'cbor']],
];

describe('interop: Payload Passthru Mode with Wampy.js 8 over a real WebSocket', () => {
  let router: Router;
  let server: RouterServer;
  let url: string;

  beforeAll(async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { host: '127.0.0.1', port: 0, path: '/ws' } });
    url = server.urls.find((u) => u.startsWith('ws://'))!;
  });

  afterAll(async () => {
    await router.close();
    await server.close();
  });

  for (const [transport, pptSerializers] of MATRIX) {
    describe(`over wamp.2.${transport}`, () => {
      let wampy: Wampy;
      let rx: WampClient;

      beforeAll(async () => {
        wampy = new Wampy(url, {
          realm: 'realm1',
          ws: WebSocket as never, // ws's class; Wampy's type wants the DOM constructor
          autoReconnect: false,
          serializer: WAMPY_SERIALIZERS[transport](),
          payloadSerializers: { json: WAMPY_SERIALIZERS.json(), msgpack: WAMPY_SERIALIZERS.msgpack(), cbor: WAMPY_SERIALIZERS.cbor() },
        });
        await wampy.connect();
        rx = new WampClient({ url, realm: 'realm1', serializer: transport, reconnect: false });
      });

      afterAll(async () => {
        await rx.close();
        await wampy.disconnect();
      });

      for (const ppt_serializer of pptSerializers) {
        const ppt = { ppt_scheme: 'x_interop', ppt_serializer };

        it(`rxwamp calls Wampy and Wampy answers in passthru mode (${ppt_serializer})`, async () => {
          const procedure = `com.interop.wampy_${transport}_${ppt_serializer}`;
          const seen: WampyData[] = [];
          await wampy.register(procedure, (data: WampyData) => {
            seen.push(data);
            return { argsList: [...(data.argsList ?? []), 'from wampy'], argsDict: { ...data.argsDict, by: 'wampy' }, options: ppt };
          });
          const result = await lastValueFrom(rx.call(procedure, [1, 'two', { three: 3 }], { k: 'v' }, ppt));
          expect(seen.length).toBe(1);
          expect(seen[0]!.argsList).toEqual([1, 'two', { three: 3 }]);
          expect(seen[0]!.argsDict).toEqual({ k: 'v' });
          expect(seen[0]!.details).toEqual(jasmine.objectContaining(ppt));
          expect(result.args).toEqual([1, 'two', { three: 3 }, 'from wampy']);
          expect(result.kwargs).toEqual({ k: 'v', by: 'wampy' });
          expect(result.details).toEqual(jasmine.objectContaining(ppt));
          await wampy.unregister(procedure);
        });

        it(`Wampy calls rxwamp and rxwamp answers in passthru mode (${ppt_serializer})`, async () => {
          const procedure = `com.interop.rx_${transport}_${ppt_serializer}`;
          const registration = rx.register(procedure, (args, kwargs, details) => {
            expect(details).toEqual(jasmine.objectContaining(ppt));
            return new WampResult([...args, 'from rxwamp'], { ...kwargs, by: 'rxwamp' });
          });
          let subscription;
          await new Promise<void>((resolve, reject) => (subscription = registration.subscribe({ next: () => resolve(), error: reject })));
          const result = (await wampy.call(procedure, { argsList: [4, 'five'], argsDict: { six: 6 } }, ppt)) as WampyData;
          expect(result.argsList).toEqual([4, 'five', 'from rxwamp']);
          expect(result.argsDict).toEqual({ six: 6, by: 'rxwamp' });
          expect(result.details).toEqual(jasmine.objectContaining(ppt));
          subscription!.unsubscribe();
        });

        it(`rxwamp publishes to Wampy and Wampy to rxwamp in passthru mode (${ppt_serializer})`, async () => {
          const topic = `com.interop.feed_${transport}_${ppt_serializer}`;
          const wampyEvents: WampyData[] = [];
          let wampyGot!: () => void;
          const wampyDone = new Promise<void>((resolve) => (wampyGot = resolve));
          await wampy.subscribe(topic, (data: WampyData) => {
            wampyEvents.push(data);
            wampyGot();
          });
          const rxEvents = collect(rx.subscribe(topic));
          await settled(rx);
          await lastValueFrom(rx.publish(topic, ['from rxwamp', 7], { k: 1 }, { ...ppt, acknowledge: true }));
          await wampyDone;
          expect(wampyEvents[0]!.argsList).toEqual(['from rxwamp', 7]);
          expect(wampyEvents[0]!.argsDict).toEqual({ k: 1 });
          expect(wampyEvents[0]!.details).toEqual(jasmine.objectContaining(ppt));
          // exclude_me keeps rxwamp's own publication away from rxwamp's subscription.
          await wampy.publish(topic, { argsList: ['from wampy', 8], argsDict: { k: 2 } }, { ...ppt, exclude_me: true });
          const event = await rxEvents.next();
          rxEvents.stop();
          expect(event.args).toEqual(['from wampy', 8]);
          expect(event.kwargs).toEqual({ k: 2 });
          expect(event.details).toEqual(jasmine.objectContaining(ppt));
          await wampy.unsubscribe(topic);
        });
      }
    });
  }
});
