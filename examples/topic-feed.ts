// A dashboard composed from several topics with RxJS: combineLatest joins the latest
// temperature and humidity, scan counts updates per topic from a prefix subscription.
//   npx tsx examples/topic-feed.ts                                  # its own router
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/topic-feed.ts  # a running router
import { combineLatest, lastValueFrom, map, scan, takeWhile, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampClient } from 'rxwamp';
import { routerUrls } from './support/router-urls.js';

const router = await routerUrls();
const dashboard = new WampClient({ url: router.ws, realm: 'realm1' });
const sensors = new WampClient({ url: router.ws, realm: 'realm1', serializer: 'cbor' });

/** The first argument of every EVENT of a topic, as a number. */
const reading = (topic: string): Observable<number> => dashboard.subscribe(topic).pipe(map((event) => Number(event.args[0])));

const SENSORS = 'com.example.sensor.';

/** Updates seen per sensor, from one prefix subscription to every sensor topic. */
const updates$ = dashboard.subscribe(SENSORS, { match: 'prefix' }).pipe(
  map((event) => event.topic.slice(SENSORS.length)),
  scan((counts: Record<string, number>, sensor) => ({ ...counts, [sensor]: (counts[sensor] ?? 0) + 1 }), {}),
);

const readings = [
  ['com.example.sensor.temperature', 20.5],
  ['com.example.sensor.humidity', 41],
  ['com.example.sensor.temperature', 21],
  ['com.example.sensor.humidity', 44],
  ['com.example.sensor.temperature', 22.5],
] as const;

const dashboard$ = combineLatest({
  temperature: reading('com.example.sensor.temperature'),
  humidity: reading('com.example.sensor.humidity'),
  updates: updates$,
}).pipe(
  // Runs until every published reading was counted, then completes (and unsubscribes).
  takeWhile(({ updates }) => Object.values(updates).reduce((a, b) => a + b, 0) < readings.length, true),
  tap(({ temperature, humidity, updates }) =>
    console.log(`dashboard: ${temperature} °C, ${humidity} % (updates: temperature ${updates['temperature'] ?? 0}, humidity ${updates['humidity'] ?? 0})`),
  ),
);
const done = lastValueFrom(dashboard$);

// The three SUBSCRIBEs went out before this call on the same session: once it returns,
// the router has them, and no reading is missed.
await lastValueFrom(dashboard.call('wamp.session.count'));
for (const [topic, value] of readings) await lastValueFrom(sensors.publish(topic, [value], {}, { acknowledge: true }));

const last = await done;
console.log(`final: temperature ${last.temperature} °C, humidity ${last.humidity} %, ${readings.length} readings`);
await Promise.all([dashboard.close(), sensors.close()]);
await router.close();
