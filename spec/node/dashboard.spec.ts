import { writeFileSync } from 'node:fs';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import { Router } from '../../src/router/router.js';
import type { RouterConfig } from '../../src/router/config.js';
import type { DashboardConfig } from '../../src/node/observability-config.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import { ensureDashboardBuilt } from '../support/dashboard-bundle.js';
import { launchChromium } from '../support/headless-chromium.js';
import { firstKeeping } from '../support/router-clients.js';

const TIMEOUT = 60_000;
/** How long the page may take to show a change it hears of (the brief: a client that joins and leaves within 2 s). */
const SHOWN_WITHIN_MS = 2_000;

/** Distinct pixel colours of a PNG: a blank or one-colour page has very few. */
function distinctColours(png: Buffer): number {
  const image = PNG.sync.read(png);
  const colours = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) colours.add(image.data.readUInt32BE(i));
  return colours.size;
}

describe('the dashboard (GET /dashboard) in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let router: Router | undefined;
  let server: RouterServer | undefined;
  let page: Page;
  const clients: WampClient[] = [];

  beforeAll(async () => {
    await ensureDashboardBuilt();
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    for (const c of clients.splice(0)) c.close();
    await router?.close();
    await server?.close();
    router = undefined;
    server = undefined;
  });

  async function start(config: RouterConfig, dashboard: DashboardConfig): Promise<{ ws: string; http: string }> {
    router = new Router(config);
    server = await listen(router, { websocket: { port: 0, path: '/ws' } }, { dashboard: { enabled: true, ratesIntervalMs: 200, ...dashboard } });
    const ws = server.urls[0]!;
    page = await browser.context.newPage();
    return { ws, http: ws.replace(/^ws:/, 'http:').replace(/\/ws$/, '') };
  }

  function client(url: string, options: Partial<WampClientOptions>): WampClient {
    const c = new WampClient({ url, realm: 'realm1', reconnect: false, ...options });
    clients.push(c);
    return c;
  }

  it(
    'joins, lists sessions, follows joins, leaves and registrations, and charts the rates',
    async () => {
      const { ws, http } = await start({ realms: [{ name: 'realm1' }] }, {});
      const watcher = client(ws, { authid: 'watcher' });
      await firstValueFrom(watcher.session$);
      await page.goto(`${http}/dashboard`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toContain('(anonymous)');
      // The session that was there before the page, and the page's own.
      await page.waitForSelector('#sessions tr:has-text("watcher")');
      expect(await page.locator('#sessions tbody tr').count()).toBe(2);

      // A client that joins and leaves within 2 s: the page shows it, then shows it gone.
      const flash = client(ws, { authid: 'flash' });
      const joinedAt = Date.now();
      await firstValueFrom(flash.session$);
      await page.waitForSelector('#sessions tr:has-text("flash")', { timeout: SHOWN_WITHIN_MS });
      expect(await page.textContent('#sessions tr:has-text("flash")')).toContain('anonymous');
      flash.close();
      await page.waitForSelector('#sessions tr:has-text("flash")', { state: 'detached', timeout: SHOWN_WITHIN_MS });
      expect(Date.now() - joinedAt).toBeLessThan(2 * SHOWN_WITHIN_MS);

      // A registration and its callee.
      const adder = client(ws, { authid: 'adder' });
      await firstKeeping(adder.register('com.example.add', (args) => (args[0] as number) + (args[1] as number)));
      const row = await page.waitForSelector('#registrations tr[data-uri="com.example.add"]', { timeout: SHOWN_WITHIN_MS });
      await page.waitForFunction(() => document.querySelector('#registrations tr[data-uri="com.example.add"] .members')?.textContent?.includes('adder') === true, undefined, { timeout: SHOWN_WITHIN_MS });
      expect(await row.textContent()).toContain('exact');

      // Calls flow: the rates topic brings non-zero call rates, drawn as a line.
      for (let i = 0; i < 20; i++) expect((await lastValueFrom(watcher.call('com.example.add', [i, 1]))).args[0]).toBe(i + 1);
      await page.waitForFunction(
        () => {
          const line = document.querySelector('#rates-chart polyline[data-series="calls"]');
          const points = line?.getAttribute('points')?.split(' ') ?? [];
          return points.length >= 2 && points.some((p) => Number(p.split(',')[1]) < 160);
        },
        undefined,
        { timeout: 10_000 },
      ).catch(async (e: unknown) => {
        writeFileSync('/tmp/obs/fail.png', await page.screenshot({ fullPage: true }));
        console.log(await page.innerHTML('#rates'));
        throw e;
      });
      expect(await page.locator('#rates-chart polyline').count()).toBe(3);

      const png = await page.screenshot({ fullPage: true });
      expect(distinctColours(png)).toBeGreaterThan(50);
      if (process.env['RXWAMP_DASHBOARD_SCREENSHOT'] !== undefined) writeFileSync(process.env['RXWAMP_DASHBOARD_SCREENSHOT'], png);
    },
    TIMEOUT,
  );

  it(
    'asks for a ticket, refuses a wrong one and a role it does not admit, and joins with the right one',
    async () => {
      const principals = { ops: { ticket: 'right-ticket', authrole: 'ops' }, guest: { ticket: 'guest-ticket', authrole: 'viewer' } };
      const { http } = await start({ realms: [{ name: 'realm1', auth: { ticket: { principals } } }] }, { roles: ['ops'] });
      await page.goto(`${http}/dashboard`);
      const signIn = async (authid: string, ticket: string): Promise<void> => {
        await page.fill('#authid', authid);
        await page.fill('#secret', ticket);
        await page.click('#sign-in');
      };
      await page.waitForSelector('#login');
      await signIn('ops', 'wrong-ticket');
      await page.waitForFunction(() => (document.querySelector('#login .error')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
      expect(await page.textContent('#login .error')).toContain('wamp.error.authentication_failed');
      expect(await page.locator('body[data-ready="true"]').count()).toBe(0);
      await signIn('guest', 'guest-ticket');
      await page.waitForFunction(() => document.querySelector('#login .error')?.textContent?.includes('viewer') === true, undefined, { timeout: 10_000 });
      expect(await page.textContent('#login .error')).toContain("the authrole 'viewer' may not use the dashboard");
      await signIn('ops', 'right-ticket');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toContain('joined as ops (ops)');
      await page.waitForSelector('#sessions tr:has-text("ops")');
    },
    TIMEOUT,
  );

  it(
    'signs in with WAMP-CRA, refusing a wrong secret',
    async () => {
      const { http } = await start({ realms: [{ name: 'realm1', auth: { wampcra: { users: { peter: { secret: 'secret1', authrole: 'ops' } } } } }] }, { roles: ['ops'] });
      await page.goto(`${http}/dashboard`);
      await page.waitForSelector('#login');
      expect(await page.textContent('#login')).toContain('WAMP-CRA secret');
      await page.fill('#authid', 'peter');
      await page.fill('#secret', 'not-the-secret');
      await page.click('#sign-in');
      await page.waitForFunction(() => (document.querySelector('#login .error')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
      expect(await page.textContent('#login .error')).toContain('wamp.error.authentication_failed');
      // The form keeps the authid after a refusal.
      expect(await page.inputValue('#authid')).toBe('peter');
      await page.fill('#secret', 'secret1');
      await page.click('#sign-in');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toContain('joined as peter (ops)');
    },
    TIMEOUT,
  );

  it(
    'stays responsive with 10,000 sessions: one page at a time, and a newcomer shown at once',
    async () => {
      const { ws, http } = await start({ realms: [{ name: 'realm1' }] }, {});
      // 10,000 sessions in this process: raw HELLOs over loopback transports (no sockets).
      for (let i = 0; i < 10_000; i++) {
        const [mine, theirs] = loopbackPair('wamp.2.json');
        mine.incoming$.subscribe({ error: () => undefined });
        router!.attach(theirs);
        mine.outgoing.next(`[1,"realm1",{"authid":"idle-${i}","roles":{"subscriber":{}}}]`);
      }
      expect(router!.realm('realm1')!.sessionCount).toBe(10_000);
      await page.goto(`${http}/dashboard`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('#sessions .pager span')?.textContent === 'page 1 of 501', undefined, { timeout: 10_000 });
      expect(await page.locator('#sessions tbody tr').count()).toBe(20);
      await page.click('#sessions .pager button:last-child');
      await page.waitForFunction(() => document.querySelector('#sessions .pager span')?.textContent === 'page 2 of 501', undefined, { timeout: SHOWN_WITHIN_MS });
      // The rows of the page shown get their details (one wamp.session.get each, not 10,000).
      await page.waitForFunction(() => Array.from(document.querySelectorAll('#sessions tbody tr td:nth-child(2)')).every((td) => td.textContent?.startsWith('idle-')), undefined, { timeout: 10_000 });
      const newcomer = client(ws, { authid: 'newcomer' });
      await firstValueFrom(newcomer.session$);
      await page.click('#sessions .pager button:first-child');
      await page.waitForSelector('#sessions tr:has-text("newcomer")', { timeout: SHOWN_WITHIN_MS });
      expect(await page.textContent('#sessions h2 .count')).toBe('10002');
    },
    TIMEOUT,
  );

  it('is not served unless enabled', async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    server = await listen(router, { websocket: { port: 0, path: '/ws' } });
    const http = server.urls[0]!.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
    expect((await fetch(`${http}/dashboard`)).status).toBe(426);
    expect((await fetch(`${http}/dashboard/app.js`)).status).toBe(426);
  });
});
