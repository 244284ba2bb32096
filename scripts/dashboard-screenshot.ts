// Takes the README's screenshot of the dashboard (docs/dashboard.png): a router with demo
// traffic, the page in headless Chromium after the rate chart has filled for a while.
//   npm run build && node --import tsx scripts/dashboard-screenshot.ts [docs/dashboard.png]
import { writeFileSync } from 'node:fs';
import { listen } from '../src/node/listen.js';
import { Router } from '../src/router/router.js';
import { startDemoTraffic } from '../examples/support/demo-traffic.js';
import { launchChromium } from '../spec/support/headless-chromium.js';

const out = process.argv[2] ?? 'docs/dashboard.png';
const router = new Router({ realms: [{ name: 'realm1' }] });
const server = await listen(router, { websocket: { port: 0, path: '/ws' } }, { dashboard: { enabled: true, ratesIntervalMs: 500 } });
const ws = server.urls[0]!;
const stopTraffic = startDemoTraffic(ws);
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(ws.replace(/^ws:/, 'http:').replace(/\/ws$/, '/dashboard'));
  await page.waitForSelector('body[data-ready="true"]');
  // Sixty samples at 500 ms: the chart is full after half a minute.
  await page.waitForTimeout(32_000);
  writeFileSync(out, await page.screenshot({ fullPage: true }));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  stopTraffic();
  await router.close();
  await server.close();
}
