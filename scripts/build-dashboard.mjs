// Bundles the dashboard page (src/dashboard/main.ts, on rxwamp's own browser client) into
// dist/dashboard/app.js, which the router serves at /dashboard/app.js. Run by `npm run build`
// after tsc, so the published package ships it and needs no bundler at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['src/dashboard/main.ts'],
  outfile: 'dist/dashboard/app.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
