import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureBuilt, root } from '../support/built-package.js';
import { ensureDashboardBuilt } from '../support/dashboard-bundle.js';

const TIMEOUT = 60_000;

/** The built CLI, once it has printed its `realm …` lines (after `listening`, `metrics` and `dashboard`). */
function startCli(args: string[]): Promise<{ child: ChildProcess; lines: string[]; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(root, 'dist', 'node', 'cli.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('realm ')) resolve({ child, lines, exited });
    });
    void exited.then((code) => reject(new Error(`rxwamp-router exited with ${code}: ${stderr}`)));
  });
}

/** Runs the CLI to its end; resolves with its exit code and stderr. */
function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'dist', 'node', 'cli.js'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('rxwamp-router: metrics and dashboard flags', () => {
  const children: ChildProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    await ensureDashboardBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rxwamp-cli-obs-'));
  }, TIMEOUT);

  afterEach(async () => {
    for (const child of children.splice(0)) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'serves /metrics on loopback by default, /dashboard with --dashboard, and prints both',
    async () => {
      const { child, lines } = await startCli(['--ws-port', '0', '--rawsocket-port', '0', '--dashboard']);
      children.push(child);
      const metrics = lines.find((l) => l.startsWith('metrics '))?.slice('metrics '.length);
      const dashboard = lines.find((l) => l.startsWith('dashboard '))?.slice('dashboard '.length);
      expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard$/);
      const text = await (await fetch(metrics!)).text();
      expect(text).toContain('# TYPE rxwamp_calls_total counter');
      const page = await fetch(dashboard!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/dashboard/app.js');
      const script = await fetch(dashboard!.replace(/\/dashboard$/, '/dashboard/app.js'));
      expect(script.headers.get('content-type')).toContain('javascript');
      expect((await script.text()).length).toBeGreaterThan(10_000);
    },
    TIMEOUT,
  );

  it(
    'turns /metrics off with --no-metrics, and asks for the token of --metrics-token',
    async () => {
      const off = await startCli(['--ws-port', '0', '--rawsocket-port', '0', '--no-metrics']);
      children.push(off.child);
      expect(off.lines.some((l) => l.startsWith('metrics '))).toBe(false);
      const offBase = off.lines.find((l) => l.startsWith('listening ws://'))!.slice('listening '.length).replace(/^ws:/, 'http:').replace(/\/ws$/, '');
      expect((await fetch(`${offBase}/metrics`)).status).toBe(426);
      expect((await fetch(`${offBase}/readyz`)).status).toBe(200);

      const config = join(dir, 'router.json');
      writeFileSync(config, JSON.stringify({ listeners: { websocket: { port: 0 } }, realms: [{ name: 'realm1' }], metrics: { process: false } }));
      const on = await startCli(['--config', config, '--metrics-token', 'tok3n']);
      children.push(on.child);
      const url = on.lines.find((l) => l.startsWith('metrics '))!.slice('metrics '.length);
      expect((await fetch(url)).status).toBe(401);
      const scraped = await fetch(url, { headers: { Authorization: 'Bearer tok3n' } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).not.toContain('rxwamp_process_');
    },
    TIMEOUT,
  );

  it(
    'refuses a dashboard open to anonymous sessions on a non-loopback address, and a bad config section',
    async () => {
      const refused = await runCli(['--ws-port', '0', '--rawsocket-port', '0', '--host', '0.0.0.0', '--dashboard']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('refusing to serve the dashboard on 0.0.0.0 without authentication');
      const config = join(dir, 'bad.json');
      writeFileSync(config, JSON.stringify({ metrics: { enabled: 'yes' } }));
      const bad = await runCli(['--config', config]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('metrics.enabled must be true or false');
    },
    TIMEOUT,
  );
});
