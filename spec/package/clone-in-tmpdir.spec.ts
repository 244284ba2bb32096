import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../support/built-package.js';

const run = promisify(execFile);
const TIMEOUT = 180_000;

/**
 * Copies the files a clone of this working tree would have (tracked and not ignored, as
 * they are on disk now, so uncommitted work is what gets tested) to `target`, and links
 * node_modules instead of installing it again.
 */
async function copyCheckout(target: string): Promise<number> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const paths = [...new Set(stdout.split('\0').filter((path) => path !== ''))];
  let copied = 0;
  for (const path of paths) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    try {
      await copyFile(join(root, path), join(target, path));
      copied++;
    } catch (error) {
      // A tracked file deleted in the working tree is not part of the checkout under test.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await symlink(join(root, 'node_modules'), join(target, 'node_modules'), 'dir');
  return copied;
}

/** Runs `karma start karma.conf.js` in `cwd`; resolves with its exit code and everything it printed. */
function runKarma(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules', 'karma', 'bin', 'karma'), 'start', 'karma.conf.js'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('a checkout inside the OS temp directory', () => {
  let base: string;
  let checkout: string;

  beforeAll(async () => {
    // realpath: the temp directory may itself be a symlink (macOS), and the failure this
    // guards against was about the path relative to the resolved temp directory.
    base = await mkdtemp(join(await realpath(tmpdir()), 'rxwamp-clone-'));
    checkout = join(base, 'rxwamp');
    await copyCheckout(checkout);
  }, TIMEOUT);

  afterAll(async () => {
    if (base !== undefined) await rm(base, { recursive: true, force: true });
  }, TIMEOUT);

  it(
    'runs the browser specs: more than none execute and all pass',
    async () => {
      const inTmp = relative(await realpath(tmpdir()), checkout);
      expect(inTmp.startsWith('..') || isAbsolute(inTmp)).withContext(`${checkout} lies inside the temp directory`).toBeFalse();

      const { code, output } = await runKarma(checkout);
      const counts = /^browser: (\d+) passed, (\d+) failed, (\d+) skipped(.*)$/m.exec(output);
      expect(counts).withContext(`karma printed its counts line:\n${output}`).not.toBeNull();
      const [, passed, failed, , error] = counts ?? [];
      expect(Number(passed)).withContext(output).toBeGreaterThan(0);
      expect(Number(failed)).withContext(output).toBe(0);
      expect(error).withContext(output).toBe('');
      expect(code).withContext(output).toBe(0);
    },
    TIMEOUT,
  );
});
