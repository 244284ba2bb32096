import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { ensureBuilt, root } from '../support/built-package.js';
import { firstKeeping } from '../support/router-clients.js';
import { startRouterProcess } from '../support/router-process.js';
import type { RunningRouter } from '../support/router-process.js';

const TIMEOUT = 60_000;

/** Starts the built CLI; see startRouterProcess. */
const startRouter = (args: string[]): Promise<RunningRouter> => startRouterProcess(process.execPath, [join(root, 'dist', 'node', 'cli.js'), ...args], root);

describe('rxwamp-router (the CLI)', () => {
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await ensureBuilt();
  }, TIMEOUT);

  it(
    'prints the URLs it serves, routes calls over WebSocket and RawSocket, and stops on SIGTERM',
    async () => {
      const router = await startRouter(['--ws-port', '0', '--rawsocket-port', '0', '--host', '127.0.0.1']);
      const ws = router.urls.find((u) => u.startsWith('ws://'))!;
      const rs = router.urls.find((u) => u.startsWith('rs://'))!;
      expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(rs).toMatch(/^rs:\/\/127\.0\.0\.1:\d+$/);
      const callee = new WampClient({ url: ws, realm: 'realm1', reconnect: false });
      const caller = new WampClient({ url: rs, realm: 'realm1', serializer: 'msgpack', reconnect: false });
      await firstKeeping(callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
      const result = await lastValueFrom(caller.call('com.example.add', [2, 3]));
      expect(result.args).toEqual([5]);
      router.child.kill('SIGTERM');
      expect(await router.exited).toBe(0);
      expect(router.stdout).toContain('stopped');
      await Promise.all([callee.close(), caller.close()]);
    },
    TIMEOUT,
  );

  it(
    'reads a config file, with flags overriding it',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxwamp-cli-'));
      try {
        const config = join(dir, 'router.json');
        const socket = join(dir, 'router.sock');
        // The file names a port that is taken: only the --ws-port flag lets the router start.
        const taken = createServer();
        await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
        closers.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
        const takenPort = (taken.address() as AddressInfo).port;
        writeFileSync(
          config,
          JSON.stringify({
            listeners: { websocket: { host: '127.0.0.1', port: takenPort, path: '/wamp' }, unix: { path: socket } },
            realms: [{ name: 'app', auth: { ticket: { principals: { joe: { ticket: 't0ps3cret', authrole: 'user' } } } } }],
          }),
        );
        const router = await startRouter(['--config', config, '--ws-port', '0']);
        expect(router.urls).toContain(`unix:${socket}`);
        const ws = router.urls.find((u) => u.startsWith('ws://'))!;
        expect(ws).toMatch(/\/wamp$/);
        expect(new URL(ws.replace('ws:', 'http:')).port).not.toBe(String(takenPort));
        const client = new WampClient({ url: `unix:${socket}`, realm: 'app', authid: 'joe', ticket: 't0ps3cret', reconnect: false });
        const session = await firstKeeping(client.session$);
        expect(session.details['authrole']).toBe('user');
        await client.close();
        router.child.kill('SIGINT');
        expect(await router.exited).toBe(0);
      } finally {
        for (const close of closers.splice(0)) await close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'refuses a bad config with a message that names the field',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxwamp-cli-'));
      try {
        const config = join(dir, 'router.json');
        writeFileSync(config, JSON.stringify({ listeners: { websocket: { port: 'eighty' } } }));
        const child = spawn(process.execPath, [join(root, 'dist', 'node', 'cli.js'), '--config', config], { cwd: root });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code).toBe(2);
        expect(stderr).toContain('listeners.websocket.port');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
