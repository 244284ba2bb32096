import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { ensureBuilt, root } from '../support/built-package.js';
import { firstKeeping } from '../support/router-clients.js';
import { createTestPki, fingerprintAt } from '../support/test-certificates.js';
import type { TestPki } from '../support/test-certificates.js';

const TIMEOUT = 60_000;

/** The built CLI as a child process: the URLs it printed, and a way to await a line it prints later. */
interface RunningCli {
  readonly child: ChildProcess;
  readonly urls: string[];
  nextLine(prefix: string): Promise<string>;
  readonly exited: Promise<number | null>;
}

function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [join(root, 'dist', 'node', 'cli.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const urls: string[] = [];
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const running: RunningCli = {
      child,
      urls,
      exited,
      nextLine: (prefix) => new Promise((found) => waiting.push({ prefix, resolve: found })),
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('listening ')) urls.push(line.slice('listening '.length));
      if (line.startsWith('realm ')) resolve(running);
      const index = waiting.findIndex((w) => line.startsWith(w.prefix));
      if (index >= 0) waiting.splice(index, 1)[0]!.resolve(line);
    });
    void exited.then((code) => reject(new Error(`rxwamp-router exited with ${code}: ${stderr}`)));
  });
}

describe('rxwamp-router --tls-cert/--tls-key', () => {
  let pki: TestPki;
  const closers: Array<() => Promise<unknown> | unknown> = [];

  beforeAll(async () => {
    [pki] = await Promise.all([createTestPki(), ensureBuilt()]);
  }, TIMEOUT);
  afterAll(() => pki.remove());
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it(
    'serves wss:// and rss://, and on SIGHUP takes the new certificate while its sessions go on',
    async () => {
      const cert = join(pki.dir, 'cli-cert.pem');
      const key = join(pki.dir, 'cli-key.pem');
      copyFileSync(pki.server.certPath, cert);
      copyFileSync(pki.server.keyPath, key);
      const cli = await startCli(['--ws-port', '0', '--rawsocket-port', '0', '--tls-cert', cert, '--tls-key', key]);
      closers.push(() => {
        cli.child.kill('SIGTERM');
        return cli.exited;
      });
      const wss = cli.urls.find((u) => u.startsWith('wss://'))!;
      const rss = cli.urls.find((u) => u.startsWith('rss://'))!;
      expect(wss).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(rss).toMatch(/^rss:\/\/127\.0\.0\.1:\d+$/);
      expect(cli.urls.some((u) => u.startsWith('ws://') || u.startsWith('rs://'))).toBeFalse();

      const tls = { ca: pki.ca.cert };
      const callee = new WampClient({ url: wss, realm: 'realm1', reconnect: false, tls });
      closers.push(() => callee.close());
      await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
      const session = await firstValueFrom(callee.session$);
      expect(await fingerprintAt(rss, pki.ca.cert)).toBe(new X509Certificate(pki.server.cert).fingerprint256);

      writeFileSync(cert, pki.renewed.cert);
      writeFileSync(key, pki.renewed.key);
      const reloaded = cli.nextLine('reloaded tls');
      cli.child.kill('SIGHUP');
      await reloaded;

      expect(await fingerprintAt(rss, pki.ca.cert)).toBe(new X509Certificate(pki.renewed.cert).fingerprint256);
      expect(await fingerprintAt(wss, pki.ca.cert)).toBe(new X509Certificate(pki.renewed.cert).fingerprint256);
      const caller = new WampClient({ url: rss, realm: 'realm1', serializer: 'cbor', reconnect: false, tls });
      closers.push(() => caller.close());
      expect((await lastValueFrom(caller.call('com.example.add', [2, 3]))).args).toEqual([5]);
      // The callee's session from before the reload is the one that answered.
      expect(callee.session).toBe(session);
    },
    TIMEOUT,
  );

  it('wants --tls-cert and --tls-key together', async () => {
    const child = spawn(process.execPath, [join(root, 'dist', 'node', 'cli.js'), '--ws-port', '0', '--tls-cert', pki.server.certPath], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--tls-cert and --tls-key go together');
  }, TIMEOUT);

});
