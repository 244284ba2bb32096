import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { ensureBuilt, root } from '../support/built-package.js';

const run = promisify(execFile);
const TIMEOUT = 60_000;

/** Imports `specifier` in a fresh plain-Node ESM process at the repo root; returns its export names. */
async function exportNames(specifier: string): Promise<string[]> {
  const script = `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  return JSON.parse(stdout) as string[];
}

const NODE_ONLY = new Set(['ws', ...builtinModules]);
const isNodeOnly = (path: string): boolean => path.startsWith('node:') || NODE_ONLY.has(path) || NODE_ONLY.has(path.split('/')[0]!);

/** An esbuild plugin that records, rather than fails on, every Node-only import, so that a spec can name them. */
function recordNodeOnlyImports(reached: string[]): Plugin {
  return {
    name: 'node-only-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeOnly(args.path)) return undefined;
        reached.push(`${args.path} (from ${args.importer})`);
        return { path: args.path, external: true };
      });
    },
  };
}

/** A minified browser bundle of `entry` built from the package as installed (dist/, not src/ through tsconfig paths). */
async function minifiedBrowserBundle(entry: string, external: string[]): Promise<{ code: Uint8Array; inputs: string[]; nodeOnly: string[] }> {
  const nodeOnly: string[] = [];
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    external,
    // No tsconfig: its `paths` would map 'rxwamp' to src/; users get dist/.
    tsconfigRaw: {},
    logLevel: 'silent',
    plugins: [recordNodeOnlyImports(nodeOnly)],
  });
  return { code: result.outputFiles[0]!.contents, inputs: Object.keys(result.metafile.inputs), nodeOnly };
}

/** Gzipped size in KiB, one decimal: what the README states. */
const gzippedKiB = (code: Uint8Array): number => Math.round((gzipSync(code, { level: 9 }).length / 1024) * 10) / 10;

describe('the rxwamp package', () => {
  beforeAll(ensureBuilt, TIMEOUT);

  it('declares ESM exports for ., ./router, ./node and ./testing', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; type: string; exports: Record<string, unknown> };
    expect(pkg.name).toBe('rxwamp');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.exports)).toEqual(jasmine.arrayContaining(['.', './router', './node', './testing']));
  });

  it(
    "import('rxwamp') works from a plain Node ESM script and exports the public names",
    async () => {
      const names = await exportNames('rxwamp');
      expect(names).toEqual(
        jasmine.arrayContaining([
          'JsonSerializer',
          'MsgpackSerializer',
          'CborSerializer',
          'ProtocolViolation',
          'WampError',
          'WampErrors',
          'WampCloseReasons',
          'messageFromArray',
          'createMessage',
          'Message',
          'MESSAGE_TABLE',
          'PatternIndex',
          'IdSequence',
          'randomId',
          'isId',
          'hasFeature',
        ]),
      );
    },
    TIMEOUT,
  );

  it(
    "the exported serializers work through the built package",
    async () => {
      const script = [
        "const { JsonSerializer, MsgpackSerializer, CborSerializer, messageFromArray } = await import('rxwamp');",
        "const call = messageFromArray([48, 1, {}, 'a.b', [2, 3]]);",
        'const out = [new JsonSerializer(), new MsgpackSerializer(), new CborSerializer()].map((s) => [s.subprotocol, s.rawSocketId, s.decode(s.encode(call)).toArray()]);',
        'console.log(JSON.stringify(out));',
      ].join('\n');
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
      expect(JSON.parse(stdout)).toEqual([
        ['wamp.2.json', 1, [48, 1, {}, 'a.b', [2, 3]]],
        ['wamp.2.msgpack', 2, [48, 1, {}, 'a.b', [2, 3]]],
        ['wamp.2.cbor', 3, [48, 1, {}, 'a.b', [2, 3]]],
      ]);
    },
    TIMEOUT,
  );

  it(
    "'rxwamp/router', 'rxwamp/node' and 'rxwamp/testing' import",
    async () => {
      await expectAsync(exportNames('rxwamp/router')).toBeResolved();
      await expectAsync(exportNames('rxwamp/node')).toBeResolved();
      expect(await exportNames('rxwamp/testing')).toEqual(jasmine.arrayContaining(['TestRealm', 'progressResult', 'finalResult']));
      expect(await exportNames('rxwamp')).toEqual(jasmine.arrayContaining(['defineProcedure', 'defineTopic', 'ContractErrors']));
    },
    TIMEOUT,
  );

  it(
    "bundles for the browser without ws or any Node built-in",
    async () => {
      const reached: string[] = [];
      const result = await build({
        stdin: { contents: "export * from 'rxwamp';", resolveDir: root, loader: 'js' },
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        plugins: [recordNodeOnlyImports(reached)],
      });
      expect(reached).toEqual([]);
      const code = result.outputFiles[0]!.text;
      // Guards against bundling an empty or stale entry: the serializers must be in it.
      expect(code.includes('wamp.2.msgpack')).withContext('bundle contains the msgpack serializer').toBeTrue();
      expect(code).not.toMatch(/require\(\s*["']ws["']\s*\)/);
      expect(code).not.toMatch(/from\s*["'](ws|net|fs|node:[^"']*)["']/);
      expect(code).not.toMatch(/import\(\s*["'](ws|net|fs|node:[^"']*)["']\s*\)/);
      expect(code).not.toMatch(/require\(\s*["'](net|fs|node:[^"']*)["']\s*\)/);
    },
    TIMEOUT,
  );

  it(
    "'rxwamp/testing' bundles for the browser without ws or any Node built-in, and 'rxwamp' without the router",
    async () => {
      const testing = await minifiedBrowserBundle("export * from 'rxwamp/testing';", ['rxjs']);
      expect(testing.nodeOnly).toEqual([]);
      expect(testing.inputs).toContain('dist/router/router.js');
      const main = await minifiedBrowserBundle("export * from 'rxwamp';", ['rxjs']);
      expect(main.inputs.filter((input) => input.startsWith('dist/router/') || input.startsWith('dist/testing/'))).toEqual([]);
      expect(main.inputs).toContain('dist/contracts/define.js');
    },
    TIMEOUT,
  );

  it(
    'minified for the browser it holds no ws/net/fs and stays within its size budget (README states the size)',
    async () => {
      const whole = await minifiedBrowserBundle("export * from 'rxwamp';", []);
      const clientOnly = await minifiedBrowserBundle("export { WampClient } from 'rxwamp';", ['rxjs']);
      for (const bundle of [whole, clientOnly]) {
        expect(bundle.nodeOnly).toEqual([]);
        expect(bundle.inputs.some((input) => input.startsWith('dist/'))).withContext('bundled from dist/').toBeTrue();
        expect(bundle.inputs.filter((input) => /node_modules\/(ws|@types)\//.test(input))).toEqual([]);
        const text = new TextDecoder().decode(bundle.code);
        expect(text).not.toMatch(/(from|import|require\()\s*\(?\s*["'](ws|net|fs|node:[^"']*)["']/);
      }
      const wholeKiB = gzippedKiB(whole.code);
      const clientKiB = gzippedKiB(clientOnly.code);
      // Printed so a size change shows in the test log; the README quotes these numbers.
      console.log(`\n  browser bundle, minified+gzipped: everything incl. rxjs ${wholeKiB} KiB; WampClient without rxjs ${clientKiB} KiB`);
      // The README's figures (rounded to whole KiB) must still be true: within 2 KiB of the measurement.
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
      const stated = /`WampClient` alone \*\*(\d+(?:\.\d+)?) KiB\*\*.*?with every export and rxjs \*\*(\d+(?:\.\d+)?) KiB\*\*/.exec(readme);
      expect(stated).withContext('README states both bundle sizes').not.toBeNull();
      const [statedClient, statedWhole] = [Number(stated?.[1]), Number(stated?.[2])];
      expect(Math.abs(clientKiB - statedClient)).withContext(`README says WampClient ${statedClient} KiB, measured ${clientKiB} KiB`).toBeLessThanOrEqual(2);
      expect(Math.abs(wholeKiB - statedWhole)).withContext(`README says the whole entry point ${statedWhole} KiB, measured ${wholeKiB} KiB`).toBeLessThanOrEqual(2);
      // Budgets with some headroom: a Node shim or a stray dependency would blow them.
      expect(wholeKiB).toBeLessThan(64);
      expect(clientKiB).toBeLessThan(56);
      expect(clientKiB).toBeGreaterThan(10);
    },
    TIMEOUT,
  );

  it(
    "'rxwamp/e2ee' imports, and the cipher library stays out of bundles that do not import it",
    async () => {
      expect(await exportNames('rxwamp/e2ee')).toEqual(jasmine.arrayContaining(['xsalsa20poly1305Cipher', 'generatePayloadKey']));
      const whole = await minifiedBrowserBundle("export * from 'rxwamp';", []);
      const withE2ee = await minifiedBrowserBundle("export * from 'rxwamp'; export * from 'rxwamp/e2ee';", []);
      const ciphers = (inputs: string[]): string[] => inputs.filter((input) => input.includes('@noble/ciphers'));
      expect(ciphers(whole.inputs)).toEqual([]);
      expect(ciphers(withE2ee.inputs).length).toBeGreaterThan(0);
      expect(withE2ee.nodeOnly).toEqual([]);
    },
    TIMEOUT,
  );
});
