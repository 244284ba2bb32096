import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import { DEMO_REALMS } from '../../examples/support/demo-realms.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT = 30_000;

/** What an example printed and how it ended. */
interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `examples/<name>.ts` as a user would (`npx tsx examples/<name>.ts`), with extra environment. */
function runExample(name: string, env: Record<string, string> = {}): Promise<Run> {
  return runScript(join('examples', `${name}.ts`), env);
}

/** Runs a TypeScript file under tsx from the repository root (where tsconfig maps `rxwamp` to src/). */
function runScript(file: string, env: Record<string, string>): Promise<Run> {
  const childEnv = { ...process.env, ...env };
  // Without the variables the example starts its own router; the spec decides which.
  if (!('WAMP_URL' in env)) delete childEnv['WAMP_URL'];
  if (!('WAMP_RAWSOCKET_URL' in env)) delete childEnv['WAMP_RAWSOCKET_URL'];
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', file], { cwd: root, env: childEnv, timeout: TIMEOUT - 5_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `examples/typed-contract/callee.ts` as its own process; resolves once it is registered. */
async function startCallee(env: Record<string, string>): Promise<{ stop: () => Promise<string[]> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('examples', 'typed-contract', 'callee.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = once(child, 'close') as Promise<[number | null]>;
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'callee: ready') resolve();
    });
    closed.then(() => reject(new Error(`callee.ts exited before it was ready:\n${lines.join('\n')}\n${stderr}`)), reject);
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await closed;
      expect(code).withContext(stderr).toBe(0);
      return lines;
    },
  };
}

/** The lines of an output, trimmed, without the note an example prints when it starts its own router. */
const linesOf = (output: string): string[] =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('(no WAMP_URL given'));

/** Checks a run succeeded, with its stderr in the message when it did not. */
function expectSuccess(run: Run): void {
  expect(run.code).withContext(`exit code; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
}

describe('the examples', () => {
  let server: RouterServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await listen(new Router({ realms: DEMO_REALMS }), { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
    env = {
      WAMP_URL: server.urls.find((u) => u.startsWith('ws:'))!,
      WAMP_RAWSOCKET_URL: server.urls.find((u) => u.startsWith('rs:'))!,
    };
  });
  afterAll(async () => {
    await server.close();
  });

  for (const where of ['against a running router (WAMP_URL)', 'on their own (one command, no router running)']) {
    const envFor = (): Record<string, string> => (where.startsWith('against') ? env : {});

    describe(where, () => {
      it(
        'caller-callee.ts: progressive results, then a call canceled by unsubscribing',
        async () => {
          const run = await runExample('caller-callee', envFor());
          expectSuccess(run);
          const lines = linesOf(run.stdout);
          expect(lines).toEqual(jasmine.arrayContaining(['callee: registered com.example.countdown', 'callee: registered com.example.ticks']));
          expect(lines.filter((l) => l.startsWith('caller: '))).toEqual([
            'caller: progress 3',
            'caller: progress 2',
            'caller: final 1',
            'caller: countdown gave 3 results',
            'caller: took 2 ticks, then unsubscribed',
          ]);
          expect(lines).toContain(jasmine.stringMatching(/^callee: ticks stopped by the caller's cancel after \d+ ticks$/));
          expect(lines.at(-1)).toBe('done');
        },
        TIMEOUT,
      );

      it(
        'typed-contract/: one contract, a callee and a caller in two files, checked at both ends',
        async () => {
          // Against a running router the callee is its own process, as it would be in production.
          const callee = where.startsWith('against') ? await startCallee(envFor()) : undefined;
          try {
            const run = await runExample('typed-contract/caller', envFor());
            expectSuccess(run);
            expect(linesOf(run.stdout)).toEqual([
              'caller: add(2, 3) = 5',
              'caller: divide(22, 7) = 3.143',
              'caller: running_sum progress 1',
              'caller: running_sum progress 3',
              'caller: running_sum progress 6',
              'caller: running_sum final 10',
              'caller: divide(1, 0) refused locally: wamp.error.invalid_argument (args.1: cannot divide by zero)',
              "caller: add('2', 3) by plain URI refused by the callee: wamp.error.invalid_argument (args.0: Invalid input: expected number, received string)",
              'caller: computed add 5',
              'caller: computed divide 3.143',
              'caller: computed running_sum 10',
              'done',
            ]);
          } finally {
            const lines = await callee?.stop();
            if (callee !== undefined) expect(lines).toEqual(['callee: ready', 'callee: closed']);
          }
        },
        TIMEOUT,
      );

      it(
        'topic-feed.ts: combineLatest and scan over several topics',
        async () => {
          const run = await runExample('topic-feed', envFor());
          expectSuccess(run);
          const lines = linesOf(run.stdout);
          const dashboard = lines.filter((l) => l.startsWith('dashboard: '));
          // One line per EVENT once every stream has a value; the last one has seen everything.
          expect(dashboard.length).toBeGreaterThanOrEqual(5);
          expect(dashboard.at(-1)).toBe('dashboard: 22.5 °C, 44 % (updates: temperature 3, humidity 2)');
          expect(lines.at(-1)).toBe('final: temperature 22.5 °C, humidity 44 %, 5 readings');
        },
        TIMEOUT,
      );

      it(
        'rawsocket-client.ts: a session over RawSocket with MessagePack',
        async () => {
          const run = await runExample('rawsocket-client', envFor());
          expectSuccess(run);
          const lines = linesOf(run.stdout);
          expect(lines[0]).toMatch(/^rawsocket: session \d+ on rs:\/\/127\.0\.0\.1:\d+ speaking wamp\.2\.msgpack$/);
          if (where.startsWith('against')) expect(lines[0]).toContain(env['WAMP_RAWSOCKET_URL']!);
          expect(lines.slice(1)).toEqual(['rawsocket: com.example.add2(2, 3) = 5', 'rawsocket: received bytes [1, 2, 255]']);
        },
        TIMEOUT,
      );

      it(
        'end-to-end-encryption.ts: an encrypted call, result and publication; a peer without the key is refused',
        async () => {
          const run = await runExample('end-to-end-encryption', envFor());
          expectSuccess(run);
          expect(linesOf(run.stdout)).toEqual([
            'vault: received "the crown jewels" with pin 1234',
            'client: result "opened the crown jewels" (encrypted with xsalsa20poly1305, key team-2026)',
            'listener: heard "meet at noon"',
            "outsider: wamp.error.invalid_payload: the payload cannot be decrypted with xsalsa20poly1305 and key 'team-2026': the key ring holds no key 'team-2026'",
            'done',
          ]);
        },
        TIMEOUT,
      );

      it(
        'authenticated-client.ts: WAMP-CRA and ticket join, a wrong secret is refused',
        async () => {
          const run = await runExample('authenticated-client', envFor());
          expectSuccess(run);
          expect(linesOf(run.stdout)).toEqual([
            'wampcra: joined as authid=alice authrole=operator authmethod=wampcra',
            'ticket: joined as authid=bob authrole=viewer authmethod=ticket',
            'wrong secret: refused: wamp.error.authentication_failed',
          ]);
        },
        TIMEOUT,
      );
    });
  }

  it(
    "README's Getting started: the first-call snippet runs and prints its greeting",
    async () => {
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Getting started'), readme.indexOf('\n## ', readme.indexOf('## Getting started') + 1));
      const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
      expect(snippet).withContext('a ts code block in the Getting started section').toContain("new WampClient({ url: 'ws://127.0.0.1:8080/ws'");
      // The same code, pointed at this spec's router instead of port 8080.
      const dir = join(root, '.tmp', `readme-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'first-call.ts');
      writeFileSync(file, snippet!.replace('ws://127.0.0.1:8080/ws', env['WAMP_URL']!));
      try {
        const run = await runScript(file, {});
        expectSuccess(run);
        expect(linesOf(run.stdout)).toEqual(['hello, world']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'router.ts: serves on the ports it is given, answers a client, and closes on SIGTERM',
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('examples', 'router.ts')], {
        cwd: root,
        env: { ...process.env, WS_PORT: '0', RS_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // 'close' comes after the process exited and its output was read to the end.
      const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
      const lines: string[] = [];
      const ready = new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line.startsWith('router: realms')) resolve();
        });
        closed.then(() => reject(new Error(`router.ts exited before it was ready:\n${lines.join('\n')}\n${stderr}`)), reject);
      });
      try {
        await ready;
        const ws = lines.find((l) => l.startsWith('router: listening on ws://'))?.slice('router: listening on '.length);
        expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
        expect(lines).toContain(jasmine.stringMatching(/^router: listening on rs:\/\/127\.0\.0\.1:\d+$/));
        expect(lines).toContain('router: realms realm1, secure; Ctrl-C to stop');

        const client = new WampClient({ url: ws!, realm: 'realm1', reconnect: false });
        const count = await lastValueFrom(client.call('wamp.session.count'));
        expect(count.args).toEqual([1]);
        await client.close();
      } finally {
        child.kill('SIGTERM');
      }
      const [code] = await closed;
      expect(code).withContext(stderr).toBe(0);
      expect(lines.at(-1)).toBe('router: closed');
    },
    TIMEOUT,
  );
});
