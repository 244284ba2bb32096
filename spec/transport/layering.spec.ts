import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const transportDir = fileURLToPath(new URL('../../src/transport/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const NODE_ONLY = /(?:from\s+|import\s*\(\s*)['"](node:[^'"]+|ws|net|tls|http|https|fs|os|path|stream|events|buffer|crypto)['"]/;

describe('src/transport layering', () => {
  it('imports no Node built-in and not ws, statically or with a literal dynamic import', () => {
    const files = sources(transportDir);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((file) => NODE_ONLY.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('bundles for the browser without ws or any Node built-in', async () => {
    const result = await build({
      entryPoints: [join(transportDir, 'index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('connectWebSocket');
    expect(code).not.toContain('WebSocketServer');
    expect(code).not.toContain('ws does not work in the browser'); // ws's browser stub
    expect(code).not.toMatch(/from\s*["'](node:|ws["'])/);
  });
});
