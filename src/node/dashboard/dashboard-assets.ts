import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Where the page's script is: `npm run build` bundles src/dashboard/ with esbuild into
 * dist/dashboard/app.js. From dist/node/dashboard/ that is ../../dashboard/; when the router
 * runs from src/ (tsx, the specs), it is the repository's dist/.
 */
const BUNDLE_CANDIDATES = [new URL('../../dashboard/app.js', import.meta.url), new URL('../../../dist/dashboard/app.js', import.meta.url)];

let bundle: Promise<string> | undefined;

/** The page's script (read once, then served from memory); rejects when the package was not built. */
export function dashboardScript(): Promise<string> {
  bundle ??= (async () => {
    for (const url of BUNDLE_CANDIDATES) {
      try {
        return await readFile(fileURLToPath(url), 'utf8');
      } catch {
        // try the next place
      }
    }
    bundle = undefined;
    throw new Error('the dashboard script is missing: run `npm run build`');
  })();
  return bundle;
}

/** The dashboard's HTML: a shell that loads the script, with its styles inline. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rxwamp dashboard</title>
<style>
:root { --bg: #0f172a; --panel: #111c33; --line: #23314f; --text: #e2e8f0; --muted: #94a3b8; --accent: #38bdf8; --accent2: #f472b6; --accent3: #a3e635; --bad: #f87171; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0; }
header .status { color: var(--muted); }
header .status.ok::before { content: "●"; color: var(--accent3); margin-right: .35rem; }
header .status.bad::before { content: "●"; color: var(--bad); margin-right: .35rem; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; padding: 1rem 1.25rem; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; min-width: 0; }
section h2 { font-size: .95rem; margin: 0 0 .5rem; display: flex; justify-content: space-between; align-items: baseline; }
section h2 .count { color: var(--muted); font-weight: normal; }
.tiles { display: flex; gap: .75rem; flex-wrap: wrap; margin-bottom: .5rem; }
.tile { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .4rem .7rem; min-width: 7.5rem; }
.tile b { display: block; font-size: 1.2rem; }
.tile span { color: var(--muted); font-size: .8rem; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; }
td.id { font-variant-numeric: tabular-nums; color: var(--muted); }
label.meta { color: var(--muted); font-size: .8rem; font-weight: normal; margin-left: auto; margin-right: .75rem; }
.pager { display: flex; gap: .5rem; align-items: center; margin-top: .5rem; color: var(--muted); }
button, input { font: inherit; color: var(--text); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .25rem .6rem; }
button:disabled { opacity: .4; }
input[type=search] { width: 100%; margin-bottom: .4rem; }
.chart svg { width: 100%; height: 180px; display: block; }
.legend { display: flex; gap: 1rem; color: var(--muted); font-size: .8rem; }
.legend i { display: inline-block; width: .8rem; height: .2rem; margin-right: .3rem; vertical-align: middle; }
#login { max-width: 22rem; margin: 4rem auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; display: grid; gap: .6rem; }
#login .error { color: var(--bad); min-height: 1.2em; }
.wide { grid-column: 1 / -1; }
</style>
</head>
<body>
<div id="app">loading…</div>
<script type="module" src="/dashboard/app.js"></script>
</body>
</html>
`;
}
