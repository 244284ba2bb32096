import { BehaviorSubject, firstValueFrom, lastValueFrom } from 'rxjs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { WampClient } from '../../src/client/wamp-client.js';
import { DashboardRefused } from '../../src/node/dashboard/dashboard-access.js';
import { listen } from '../../src/node/listen.js';
import type { RouterServer } from '../../src/node/listen.js';
import type { ObservabilityOptions } from '../../src/node/observability-config.js';
import { WampError } from '../../src/protocol/errors.js';
import { Router } from '../../src/router/router.js';
import type { RouterConfig } from '../../src/router/config.js';
import { firstKeeping, settled } from '../support/router-clients.js';

/** The value of one sample of a family, by its labels (undefined when there is no such sample). */
function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (found === undefined) return undefined;
  return Number(found.value ?? found.count);
}

describe('GET /metrics, /healthz, /readyz', () => {
  let router: Router;
  let server: RouterServer | undefined;
  const clients: WampClient[] = [];

  async function start(config: RouterConfig, observability: ObservabilityOptions = {}, host = '127.0.0.1'): Promise<string> {
    router = new Router(config);
    server = await listen(router, { websocket: { host, port: 0, path: '/ws' } }, observability);
    return server.urls[0]!;
  }

  function httpBase(wsUrl: string): string {
    return wsUrl.replace(/^ws:/, 'http:').replace(/\/ws$/, '').replace('0.0.0.0', '127.0.0.1');
  }

  function client(url: string, options: Partial<ConstructorParameters<typeof WampClient>[0]> = {}): WampClient {
    const c = new WampClient({ url, realm: 'realm1', reconnect: false, ...options });
    clients.push(c);
    return c;
  }

  let lastText = '';

  async function scrape(base: string): Promise<PrometheusFamily[]> {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    lastText = await response.text();
    return parsePrometheusTextFormat(lastText);
  }

  /** One sample line's value, read from the text (the parser folds labelled histograms into one). */
  function line(series: string): number | undefined {
    const found = lastText.split('\n').find((l) => l.startsWith(series + ' '));
    return found === undefined ? undefined : Number(found.slice(series.length + 1));
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await router?.close();
    await server?.close();
    server = undefined;
  });

  it('counts a known workload exactly, in text that a Prometheus parser reads', async () => {
    const url = await start({ realms: [{ name: 'realm1' }, { name: 'locked', auth: { ticket: { principals: { joe: { ticket: 'right', authrole: 'user' } } } } }] });
    const callee = client(url, { authid: 'callee' });
    const caller = client(url, { authid: 'caller' });
    const subscriber = client(url, { authid: 'subscriber' });
    await firstKeeping(callee.register('com.test.add', (args) => (args[0] as number) + (args[1] as number)));
    await firstKeeping(callee.register('com.test.fail', () => {
      throw new WampError('com.test.failed', ['no']);
    }));
    const events: unknown[] = [];
    const delivered = new Promise<void>((resolve) =>
      subscriber.subscribe('com.test.topic').subscribe((e) => {
        events.push(e.args[0]);
        if (events.length === 4) resolve();
      }),
    );
    // A call answered after the SUBSCRIBE was handled: the subscription exists from here on.
    for (let i = 0; i < 3; i++) expect((await lastValueFrom(caller.call('com.test.add', [i, 1]))).args[0]).toBe(i + 1);
    await expectAsync(lastValueFrom(caller.call('com.test.fail'))).toBeRejectedWith(jasmine.objectContaining({ uri: 'com.test.failed' }));
    await expectAsync(lastValueFrom(caller.call('com.test.nobody'))).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.no_such_procedure' }));
    await settled(subscriber);
    for (let i = 0; i < 4; i++) await lastValueFrom(caller.publish('com.test.topic', [i], {}, { acknowledge: true }));
    await delivered;
    const refused = client(url, { realm: 'locked', authid: 'joe', ticket: 'wrong' });
    await expectAsync(firstValueFrom(refused.session$)).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.authentication_failed' }));

    const m = await scrape(httpBase(url));
    expect(sample(m, 'rxwamp_sessions', { realm: 'realm1' })).toBe(3);
    expect(sample(m, 'rxwamp_registrations', { realm: 'realm1' })).toBe(2);
    expect(sample(m, 'rxwamp_subscriptions', { realm: 'realm1' })).toBe(1);
    expect(sample(m, 'rxwamp_calls_total', { realm: 'realm1', outcome: 'result' })).toBe(3);
    expect(sample(m, 'rxwamp_calls_total', { realm: 'realm1', outcome: 'error' })).toBe(1);
    expect(sample(m, 'rxwamp_calls_total', { realm: 'realm1', outcome: 'no_such_procedure' })).toBe(1);
    expect(sample(m, 'rxwamp_calls_total', { realm: 'realm1', outcome: 'timeout' })).toBe(0);
    expect(m.find((f) => f.name === 'rxwamp_call_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(line('rxwamp_call_duration_seconds_count{realm="realm1"}')).toBe(4);
    expect(line('rxwamp_call_duration_seconds_bucket{realm="realm1",le="+Inf"}')).toBe(4);
    expect(line('rxwamp_call_duration_seconds_bucket{realm="locked",le="+Inf"}')).toBe(0);
    expect(line('rxwamp_call_duration_seconds_sum{realm="realm1"}')).toBeGreaterThan(0);
    expect(sample(m, 'rxwamp_events_published_total', { realm: 'realm1' })).toBe(4);
    expect(sample(m, 'rxwamp_events_delivered_total', { realm: 'realm1' })).toBe(4);
    expect(sample(m, 'rxwamp_messages_received_total', { type: 'PUBLISH' })).toBe(4);
    expect(sample(m, 'rxwamp_messages_received_total', { type: 'YIELD' })).toBe(3);
    expect(sample(m, 'rxwamp_messages_received_total', { type: 'REGISTER' })).toBe(2);
    expect(sample(m, 'rxwamp_messages_received_total', { type: 'HELLO' })).toBe(4);
    expect(sample(m, 'rxwamp_messages_sent_total', { type: 'EVENT' })).toBe(4);
    expect(sample(m, 'rxwamp_messages_sent_total', { type: 'INVOCATION' })).toBe(4);
    expect(sample(m, 'rxwamp_messages_sent_total', { type: 'WELCOME' })).toBe(3);
    expect(sample(m, 'rxwamp_auth_failures_total')).toBe(1);
    expect(sample(m, 'rxwamp_slow_consumer_disconnects_total')).toBe(0);
    expect(sample(m, 'rxwamp_cluster_state', { state: 'standalone' })).toBe(1);
    expect(sample(m, 'rxwamp_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(m, 'rxwamp_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'rxwamp_nodejs_eventloop_utilization')).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'rxwamp_nodejs_eventloop_utilization')).toBeLessThanOrEqual(1);
    // No metric that needs an observer running between scrapes (prom-client's GC histogram cost the fan-out path).
    expect(m.map((family) => family.name).filter((name) => name.includes('_gc_'))).toEqual([]);
    for (const family of m) expect(family.name).toMatch(/^rxwamp_/);
  });

  it('counts limit hits and the cluster state it is given', async () => {
    const state$ = new BehaviorSubject<'standalone' | 'connecting' | 'ready' | 'disconnected'>('connecting');
    const url = await start({ realms: [{ name: 'realm1' }], limits: { maxRegistrationsPerSession: 1 } }, { clusterState$: state$ });
    const c = client(url);
    await firstKeeping(c.register('com.test.one', () => 1));
    await expectAsync(firstKeeping(c.register('com.test.two', () => 2))).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.limit_exceeded.max_registrations_per_session' }));
    let m = await scrape(httpBase(url));
    expect(sample(m, 'rxwamp_limit_hits_total', { limit: 'wamp.error.limit_exceeded.max_registrations_per_session' })).toBe(1);
    expect(sample(m, 'rxwamp_cluster_state', { state: 'connecting' })).toBe(1);
    expect(sample(m, 'rxwamp_cluster_state', { state: 'standalone' })).toBe(0);
    state$.next('ready');
    m = await scrape(httpBase(url));
    expect(sample(m, 'rxwamp_cluster_state', { state: 'ready' })).toBe(1);
    expect(sample(m, 'rxwamp_cluster_state', { state: 'connecting' })).toBe(0);
  });

  it("follows a clustered router's clusterState$: the gauge, and not ready until connected", async () => {
    /** A router as the NATS cluster makes it: with a cluster state. */
    class ClusteredRouter extends Router {
      override readonly clusterState$ = new BehaviorSubject<'standalone' | 'connecting' | 'ready' | 'disconnected'>('connecting');
    }
    const clustered = new ClusteredRouter({ realms: [{ name: 'realm1' }] });
    router = clustered;
    server = await listen(clustered, { websocket: { port: 0, path: '/ws' } });
    const base = httpBase(server.urls[0]!);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(sample(await scrape(base), 'rxwamp_cluster_state', { state: 'connecting' })).toBe(1);
    clustered.clusterState$.next('ready');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(sample(await scrape(base), 'rxwamp_cluster_state', { state: 'ready' })).toBe(1);
    clustered.clusterState$.next('disconnected');
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('cluster');
  });

  it('asks for the bearer token when one is configured', async () => {
    const base = httpBase(await start({ realms: [{ name: 'realm1' }] }, { metrics: { token: 's3cret', process: false } }));
    const refused = await fetch(`${base}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer wrong!' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('rxwamp_sessions');
    expect(text).not.toContain('rxwamp_process_');
  });

  it('does not serve /metrics when disabled, nor by default on a non-loopback address', async () => {
    let base = httpBase(await start({ realms: [{ name: 'realm1' }] }, { metrics: false }));
    expect((await fetch(`${base}/metrics`)).status).toBe(426);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await server!.close();
    base = httpBase(await start({ realms: [{ name: 'realm1' }] }, {}, '0.0.0.0'));
    expect((await fetch(`${base}/metrics`)).status).toBe(426);
    await server!.close();
    base = httpBase(await start({ realms: [{ name: 'realm1' }] }, { metrics: { enabled: true, token: 't' } }, '0.0.0.0'));
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer t' } })).status).toBe(200);
  });

  it('says ready while listening, and not ready once the router shuts down', async () => {
    const base = httpBase(await start({ realms: [{ name: 'realm1' }] }));
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await router.close();
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('shutting down');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('follows its readiness conditions (e.g. the cluster link)', async () => {
    const linked$ = new BehaviorSubject(false);
    const base = httpBase(await start({ realms: [{ name: 'realm1' }] }, { readiness: [linked$] }));
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    linked$.next(true);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    linked$.next(false);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });

  it('stops answering once the listeners are closed', async () => {
    const base = httpBase(await start({ realms: [{ name: 'realm1' }] }));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await server!.close();
    await expectAsync(fetch(`${base}/readyz`)).toBeRejected();
  });

  it('refuses to serve the dashboard on a non-loopback address to anonymous sessions', async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    await expectAsync(listen(router, { websocket: { host: '0.0.0.0', port: 0 } }, { dashboard: { enabled: true } })).toBeRejectedWith(jasmine.any(DashboardRefused));
    const locked = new Router({ realms: [{ name: 'realm1', auth: { ticket: { principals: { ops: { ticket: 't', authrole: 'ops' } } } } }] });
    await expectAsync(listen(locked, { websocket: { host: '0.0.0.0', port: 0 } }, { dashboard: { enabled: true } })).toBeRejectedWithError(DashboardRefused, /dashboard\.roles/);
    server = await listen(locked, { websocket: { host: '0.0.0.0', port: 0 } }, { dashboard: { enabled: true, roles: ['ops'] } });
    const config = (await (await fetch(`${httpBase(server.urls[0]!)}/dashboard/config.json`)).json()) as { authmethods: string[]; roles: string[] };
    expect(config).toEqual(jasmine.objectContaining({ authmethods: ['ticket'], roles: ['ops'] }));
    await locked.close();
  });
});
