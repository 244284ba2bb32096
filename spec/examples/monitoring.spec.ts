import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { firstValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { ensureDashboardBuilt } from '../support/dashboard-bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT = 60_000;

describe('examples/monitoring.ts', () => {
  beforeAll(async () => {
    await ensureDashboardBuilt();
  }, TIMEOUT);

  it(
    'serves metrics and the dashboard of a realm with demo traffic, and closes on SIGTERM',
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('examples', 'monitoring.ts')], { cwd: root, env: { ...process.env, WS_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      const closed = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const lines: string[] = [];
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          lines.push(line);
          if (line.startsWith('dashboard: ')) resolve();
        });
        closed.then(() => reject(new Error(`monitoring.ts exited before it was ready:\n${lines.join('\n')}\n${stderr}`)), reject);
      });
      let watcher: WampClient | undefined;
      try {
        await ready;
        const ws = lines.find((l) => l.startsWith('router: listening on '))!.slice('router: listening on '.length);
        const metrics = lines.find((l) => l.startsWith('metrics: '))!.slice('metrics: '.length);
        const dashboard = lines.find((l) => l.startsWith('dashboard: '))!.slice('dashboard: '.length);
        // The sensors publish: once one event arrived here, the counters have moved.
        watcher = new WampClient({ url: ws, realm: 'realm1', reconnect: false });
        await firstValueFrom(watcher.subscribe('com.example.sensor.', { match: 'prefix' }));
        const text = await (await fetch(metrics)).text();
        const published = Number(/^rxwamp_events_published_total\{realm="realm1"\} (\d+)$/m.exec(text)?.[1]);
        expect(published).toBeGreaterThan(0);
        expect(Number(/^rxwamp_sessions\{realm="realm1"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(1);
        expect((await fetch(dashboard)).status).toBe(200);
        expect((await fetch(dashboard.replace(/\/dashboard$/, '/readyz'))).status).toBe(200);
      } finally {
        watcher?.close();
        child.kill('SIGTERM');
        await closed;
      }
      expect(lines.at(-1)).toBe('router: closed');
    },
    TIMEOUT,
  );
});
