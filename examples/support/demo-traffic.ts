import { interval, lastValueFrom, Subscription } from 'rxjs';
import { WampClient } from 'rxwamp';

/**
 * Some life for a realm, so that the dashboard and /metrics have something to show:
 * sensors publishing, displays subscribing, a calculator and a pool of workers answering
 * calls, and callers whose pace swells and ebbs. Returns a function that stops it all.
 */
export function startDemoTraffic(url: string, realm = 'realm1'): () => void {
  const clients: WampClient[] = [];
  const running = new Subscription();
  const client = (authid: string): WampClient => {
    const c = new WampClient({ url, realm, authid, reconnect: false });
    clients.push(c);
    return c;
  };

  const calculator = client('calculator');
  running.add(calculator.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)).subscribe());
  running.add(calculator.register('com.example.multiply', (args) => (args[0] as number) * (args[1] as number)).subscribe());
  for (let i = 1; i <= 3; i++) {
    running.add(client(`worker-${i}`).register('com.example.work', (args) => String(args[0]).toUpperCase(), { invoke: 'roundrobin' }).subscribe());
  }
  for (let i = 1; i <= 6; i++) running.add(client(`display-${i}`).subscribe('com.example.sensor.', { match: 'prefix' }).subscribe());
  const sensors = Array.from({ length: 8 }, (_, i) => client(`sensor-${i + 1}`));
  running.add(
    interval(100).subscribe((tick) => {
      for (const [i, sensor] of sensors.entries()) if ((tick + i) % 2 === 0) sensor.publish(`com.example.sensor.${i + 1}`, [20 + Math.sin(tick / 10 + i) * 5]).subscribe({ error: () => undefined });
    }),
  );
  const callers = Array.from({ length: 4 }, (_, i) => client(`caller-${i + 1}`));
  running.add(
    interval(50).subscribe((tick) => {
      // The pace swells and ebbs over about half a minute.
      const busy = 1 + Math.round(3 * (1 + Math.sin(tick / 100)));
      for (let n = 0; n < busy; n++) {
        const caller = callers[(tick + n) % callers.length]!;
        const procedure = n % 3 === 0 ? 'com.example.work' : n % 3 === 1 ? 'com.example.add' : 'com.example.multiply';
        void lastValueFrom(caller.call(procedure, procedure === 'com.example.work' ? ['job'] : [tick, n])).catch(() => undefined);
      }
    }),
  );
  return () => {
    running.unsubscribe();
    for (const c of clients) c.close();
  };
}
