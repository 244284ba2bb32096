import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT = 90_000;

/** The first ```ts block of a README section. */
function snippet(section: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  expect(start).withContext(`README section "${section}"`).toBeGreaterThan(-1);
  const body = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const code = /```ts\n([\s\S]*?)```/.exec(body)?.[1];
  expect(code).withContext(`a ts code block in "${section}"`).toBeDefined();
  return code!;
}

describe("the README's contract and testing sections", () => {
  const dir = join(root, '.tmp', `readme-contracts-${process.pid}`);
  beforeAll(() => mkdirSync(dir, { recursive: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'both snippets type-check as written (strict, as the repository compiles)',
    () => {
      const files = [join(dir, 'typed-contracts.ts'), join(dir, 'testing.spec.ts')];
      writeFileSync(files[0]!, snippet('Typed contracts'));
      writeFileSync(files[1]!, snippet('Testing your application'));
      const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
      const program = ts.createProgram(files, { ...config.options, noEmit: true });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
        .map((d) => `${d.file!.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "Testing your application: the marble specs pass as written",
    async () => {
      const file = join(dir, 'testing-run.spec.ts');
      writeFileSync(file, snippet('Testing your application'));
      const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', join(root, 'node_modules', 'jasmine', 'bin', 'jasmine.js'), file], { cwd: root, timeout: TIMEOUT - 10_000 }, (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, text: stdout + stderr }),
        );
      });
      expect(output.code).withContext(output.text).toBe(0);
      expect(output.text).toContain('3 specs, 0 failures');
    },
    TIMEOUT,
  );
});
