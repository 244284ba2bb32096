import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../support/built-package.js';

const run = promisify(execFile);
const TIMEOUT = 180_000;
/** karma gives up on a browser after 60 s (karma.conf.js); past this it has hung, and is killed. */
const KARMA_TIMEOUT = 150_000;

/**
 * Copies the files a clone of this working tree would have (tracked and not ignored, as
 * they are on disk now, so uncommitted work is what gets tested) to `target`, and links
 * node_modules instead of installing it again.
 */
async function copyCheckout(target: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const paths = [...new Set(stdout.split('\0').filter((path) => path !== ''))];
  for (const path of paths) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    try {
      await copyFile(join(root, path), join(target, path));
    } catch (error) {
      // A tracked file deleted in the working tree is not part of the checkout under test.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await symlink(join(root, 'node_modules'), join(target, 'node_modules'), 'dir');
}

/** The browser spec files of a checkout. */
async function browserSpecFiles(checkout: string): Promise<string[]> {
  const dir = join(checkout, 'spec', 'browser');
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((path) => path.endsWith('.spec.ts')).map((path) => join(dir, path));
}

/** Runs `karma start karma.conf.js` in `cwd`; resolves with its exit code and everything it printed. */
function runKarma(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules', 'karma', 'bin', 'karma'), 'start', 'karma.conf.js'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: KARMA_TIMEOUT,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The `browser: N passed, F failed, S skipped` line of karma.conf.js's counts reporter. */
function countsOf(output: string): { passed: number; failed: number; error: boolean } | undefined {
  const counts = /^browser: (\d+) passed, (\d+) failed, \d+ skipped(.*)$/m.exec(output);
  return counts === null ? undefined : { passed: Number(counts[1]), failed: Number(counts[2]), error: counts[3] !== '' };
}

describe('a checkout inside the OS temp directory', () => {
  let base: string;
  let copies = 0;

  /** A fresh copy of the checkout at `<base>/<n>/rxwamp`, inside the temp directory. */
  async function newCheckout(): Promise<string> {
    const checkout = join(base, String(++copies), 'rxwamp');
    await copyCheckout(checkout);
    return checkout;
  }

  beforeAll(async () => {
    // realpath: the temp directory may itself be a symlink (macOS), and the failure this
    // guards against was about the path relative to the resolved temp directory.
    base = await mkdtemp(join(await realpath(tmpdir()), 'rxwamp-clone-'));
  }, TIMEOUT);

  afterAll(async () => {
    if (base !== undefined) await rm(base, { recursive: true, force: true });
  }, TIMEOUT);

  it(
    'runs the browser specs: more than none execute and all pass',
    async () => {
      const checkout = await newCheckout();
      const inTmp = relative(await realpath(tmpdir()), checkout);
      expect(inTmp.startsWith('..') || isAbsolute(inTmp)).withContext(`${checkout} lies inside the temp directory`).toBeFalse();

      const { code, output } = await runKarma(checkout);
      const counts = countsOf(output);
      expect(counts).withContext(`karma printed its counts line:\n${output}`).toBeDefined();
      expect(counts?.passed).withContext(output).toBeGreaterThan(0);
      expect(counts?.failed).withContext(output).toBe(0);
      expect(counts?.error).withContext(output).toBeFalse();
      expect(code).withContext(output).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'a browser run in which no spec executes fails',
    async () => {
      const checkout = await newCheckout();
      for (const spec of await browserSpecFiles(checkout)) await rm(spec);
      // Loads cleanly and declares nothing: the run's only fault is that no spec executed.
      await writeFile(join(checkout, 'spec', 'browser', 'empty.spec.ts'), "console.info('a spec file that declares no specs');\n");

      const { code, output } = await runKarma(checkout);
      expect(countsOf(output)).withContext(output).toEqual({ passed: 0, failed: 0, error: false });
      expect(code).withContext(output).not.toBe(0);
    },
    TIMEOUT,
  );

  it(
    'a spec file that does not bundle fails the browser run, naming the file',
    async () => {
      const checkout = await newCheckout();
      const broken = join(checkout, 'spec', 'browser', 'broken.spec.ts');
      await writeFile(broken, "import './missing.js';\ndescribe('never', () => it('runs', () => expect(true).toBeTrue()));\n");

      const { code, output } = await runKarma(checkout);
      expect(output).toContain(`cannot bundle ${broken}`);
      expect(output).toContain('Could not resolve "./missing.js"');
      expect(code).withContext(output).not.toBe(0);
    },
    TIMEOUT,
  );
});
