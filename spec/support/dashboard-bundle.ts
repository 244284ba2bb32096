import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './built-package.js';

const run = promisify(execFile);

/** The newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build` bundles the dashboard page into dist/dashboard/app.js; a spec run on its
 * own bundles it (as the build does) when it is missing or older than src/.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const bundle = join(root, 'dist', 'dashboard', 'app.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(join(root, 'src'))) return;
  await run(process.execPath, [join(root, 'scripts', 'build-dashboard.mjs')], { cwd: root });
}
