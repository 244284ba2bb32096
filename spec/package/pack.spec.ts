// The package as users get it: `npm pack`, installed from the tarball into a new project
// outside this repository (so nothing resolves from our own node_modules), then used
// through every entry point of the exports map, from ESM, from CommonJS, from TypeScript,
// and through its `rxwamp-router` bin.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, root } from '../support/built-package.js';
import { startRouterProcess } from '../support/router-process.js';
import type { RunningRouter } from '../support/router-process.js';

const run = promisify(execFile);
const TIMEOUT = 180_000;
/** A child that has not finished by then has hung; the spec says so instead of waiting for jasmine. */
const CHILD_TIMEOUT = 120_000;

/** What package.json says about the published shape. */
interface PackageJson {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  main: string;
  types: string;
  files: string[];
}

/** One entry of `npm pack --json`. */
interface PackResult {
  filename: string;
  files: { path: string; mode: number }[];
}

/** An export-map entry point: its subpath and the specifier users import. */
interface Entry {
  readonly subpath: string;
  readonly specifier: string;
}

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson;

/** Every importable entry of the exports map (new entries are covered as they are added). */
const entries: Entry[] = Object.entries(pkg.exports)
  .filter(([subpath, target]) => typeof target === 'object' && !subpath.includes('*'))
  .map(([subpath]) => ({ subpath, specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}` }));

/** The version of `name` this repository is tested against, so the consumer gets the same. */
async function installedVersion(name: string): Promise<string> {
  return (JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs a Node script file in the consumer project; resolves with what it printed. */
async function node(cwd: string, script: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(process.execPath, [script, ...args], { cwd, timeout: CHILD_TIMEOUT });
  return stdout;
}

describe('the packed tarball, installed into a new project', () => {
  let work: string;
  let consumer: string;
  let packed: PackResult;
  let router: RunningRouter | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    work = await mkdtemp(join(await realpath(tmpdir()), 'rxwamp-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, timeout: CHILD_TIMEOUT });
    packed = (JSON.parse(stdout) as PackResult[])[0]!;

    consumer = join(work, 'consumer');
    await run('mkdir', [consumer]);
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'rxwamp-consumer', version: '1.0.0', private: true }));
    // rxjs is the peer users install beside it; @types/node is what a TypeScript Node project has.
    // --prefer-offline: npm's cache (filled by `npm ci`) first, the registry for what it lacks.
    const peers = [`rxjs@${await installedVersion('rxjs')}`, `@types/node@${await installedVersion('@types/node')}`];
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename), ...peers], {
      cwd: consumer,
      timeout: CHILD_TIMEOUT,
    });
  }, TIMEOUT);

  afterAll(async () => {
    if (router !== undefined && router.child.exitCode === null) {
      router.child.kill('SIGKILL');
      await router.exited;
    }
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }, TIMEOUT);

  it('package.json: every entry of the exports map has types first and a default condition', () => {
    expect(entries.map((e) => e.specifier)).toEqual(jasmine.arrayContaining(['rxwamp', 'rxwamp/router', 'rxwamp/node']));
    for (const { subpath } of entries) {
      const conditions = pkg.exports[subpath] as Record<string, string>;
      expect(Object.keys(conditions)[0]).withContext(subpath).toBe('types');
      expect(conditions['default']).withContext(subpath).toMatch(/^\.\/dist\/.+\.js$/);
    }
  });

  it('ships dist, README.md, LICENSE and package.json, every file the manifest names, and no sources or specs', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const needed of ['package.json', 'README.md', 'LICENSE']) expect(files.has(needed)).withContext(needed).toBeTrue();
    const named = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
    ];
    for (const path of named) expect(files.has(path.replace(/^\.\//, ''))).withContext(`${path} is in the tarball`).toBeTrue();
    const strays = [...files].filter((path) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(path));
    expect(strays).toEqual([]);
    expect([...files].filter((path) => path.endsWith('.tsbuildinfo') || path.includes('.spec.'))).toEqual([]);
  });

  it(
    'ships source maps that carry their sources (src/ is not in the tarball)',
    async () => {
      const installed = join(consumer, 'node_modules', pkg.name);
      const maps = packed.files.map((f) => f.path).filter((path) => path.endsWith('.js.map'));
      expect(maps.length).toBeGreaterThan(0);
      const lacking: string[] = [];
      for (const path of maps) {
        const map = JSON.parse(await readFile(join(installed, path), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
        map.sources.forEach((source, i) => {
          if (typeof map.sourcesContent?.[i] !== 'string') lacking.push(`${path}: ${source}`);
        });
      }
      expect(lacking).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'imports every entry from ESM and requires it from CommonJS, with the same exports',
    async () => {
      const specifiers = JSON.stringify(entries.map((e) => e.specifier));
      await writeFile(
        join(consumer, 'entries.mjs'),
        `const out = {};\nfor (const s of ${specifiers}) out[s] = Object.keys(await import(s)).sort();\nconsole.log(JSON.stringify(out));\n`,
      );
      await writeFile(
        join(consumer, 'entries.cjs'),
        `const out = {};\nfor (const s of ${specifiers}) out[s] = Object.keys(require(s)).sort();\nconsole.log(JSON.stringify(out));\n`,
      );
      const imported = JSON.parse(await node(consumer, 'entries.mjs')) as Record<string, string[]>;
      const required = JSON.parse(await node(consumer, 'entries.cjs')) as Record<string, string[]>;
      for (const { specifier } of entries) {
        expect(imported[specifier]?.length).withContext(`${specifier} has exports`).toBeGreaterThan(0);
        expect(required[specifier]).withContext(specifier).toEqual(imported[specifier]!);
      }
      expect(imported['rxwamp']).toEqual(jasmine.arrayContaining(['WampClient', 'JsonSerializer', 'WampError']));
      expect(imported['rxwamp/router']).toEqual(jasmine.arrayContaining(['Router']));
      expect(imported['rxwamp/node']).toEqual(jasmine.arrayContaining(['listen']));
    },
    TIMEOUT,
  );

  it(
    'type-checks consumer files, ESM and CommonJS, against the shipped .d.ts (nodenext and bundler resolution)',
    async () => {
      const namespaces = entries.map((e, i) => `import * as entry${i} from '${e.specifier}';`).join('\n');
      // The @ts-expect-error lines prove the types are real: were the .d.ts missing or `any`,
      // tsc would report the directive as unused.
      const usage = `
import { JsonSerializer, WampClient } from 'rxwamp';
import { Router } from 'rxwamp/router';
import { listen } from 'rxwamp/node';
import type { Observable } from 'rxjs';
const client = new WampClient({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1', serializer: 'msgpack' });
const calls: Observable<unknown> = client.call('com.example.add', [2, 3]);
const id: number = new JsonSerializer().rawSocketId;
// @ts-expect-error rawSocketId is a number
const wrong: string = new JsonSerializer().rawSocketId;
// @ts-expect-error serializer is 'json' | 'msgpack' | 'cbor'
new WampClient({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1', serializer: 'xml' });
const router = new Router({ realms: [{ name: 'realm1' }] });
const serving: Promise<unknown> = listen(router, { websocket: { port: 0 } });
export const used = [${entries.map((_, i) => `entry${i}`).join(', ')}, calls, id, wrong, serving];
`;
      await writeFile(join(consumer, 'consumer.mts'), `${namespaces}\n${usage}`);
      await writeFile(join(consumer, 'consumer.cts'), `${namespaces}\n${usage}`);
      // A strict Node project (no DOM library, the shipped .d.ts checked too), and an app
      // built by a bundler (Vite, esbuild, the Angular CLI).
      const strict = { strict: true, target: 'es2022', lib: ['es2022'], types: ['node'], noEmit: true, skipLibCheck: false };
      const projects = {
        'tsconfig.node.json': { compilerOptions: { ...strict, module: 'nodenext' }, files: ['consumer.mts', 'consumer.cts'] },
        'tsconfig.bundler.json': { compilerOptions: { ...strict, module: 'preserve', moduleResolution: 'bundler' }, files: ['consumer.mts'] },
      };
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      for (const [name, project] of Object.entries(projects)) {
        await writeFile(join(consumer, name), JSON.stringify(project));
        const result = await run(process.execPath, [tsc, '-p', name], { cwd: consumer, timeout: CHILD_TIMEOUT }).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? String(error) }),
        );
        expect(result.stdout).withContext(name).toBe('');
        expect(result.code).withContext(name).toBe(0);
      }
    },
    TIMEOUT,
  );

  it(
    'installs the rxwamp-router bin with a shebang and the executable bit; it serves the installed client (ESM and CommonJS) and exits 0 on SIGTERM',
    async () => {
      const bin = join(consumer, 'node_modules', '.bin', 'rxwamp-router');
      const target = await realpath(bin);
      expect((await readFile(target, 'utf8')).startsWith('#!/usr/bin/env node\n')).withContext('shebang').toBeTrue();
      expect((await stat(target)).mode & 0o111).withContext('executable').not.toBe(0);

      // Run as a user's shell would: the bin itself, not `node <file>`.
      router = await startRouterProcess(bin, ['--host', '127.0.0.1', '--ws-port', '0', '--rawsocket-port', '0'], consumer);
      const ws = router.urls.find((url) => url.startsWith('ws://'));
      const rs = router.urls.find((url) => url.startsWith('rs://'));
      expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(rs).toMatch(/^rs:\/\/127\.0\.0\.1:\d+$/);

      // The README's first call, from ESM over WebSocket and from CommonJS over RawSocket with MessagePack.
      const firstCall = (load: string, serializer: string): string => `${load}
const client = new WampClient({ url: process.argv[2], realm: 'realm1', serializer: '${serializer}', reconnect: false });
const registration = client.register('com.example.greet', ([name]) => 'hello, ' + String(name)).subscribe();
lastValueFrom(client.call('com.example.greet', ['world'])).then(async (result) => {
  console.log(result.args[0]);
  registration.unsubscribe();
  await client.close();
});
`;
      await writeFile(join(consumer, 'first-call.mjs'), firstCall("import { lastValueFrom } from 'rxjs';\nimport { WampClient } from 'rxwamp';", 'json'));
      await writeFile(join(consumer, 'first-call.cjs'), firstCall("const { lastValueFrom } = require('rxjs');\nconst { WampClient } = require('rxwamp');", 'msgpack'));
      expect((await node(consumer, 'first-call.mjs', [ws!])).trim()).toBe('hello, world');
      expect((await node(consumer, 'first-call.cjs', [rs!])).trim()).toBe('hello, world');

      router.child.kill('SIGTERM');
      expect(await router.exited).toBe(0);
      expect(router.stdout).toContain('stopped');
    },
    TIMEOUT,
  );
});
