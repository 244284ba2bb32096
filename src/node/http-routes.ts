import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { combineLatest, map } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { Router } from '../router/router.js';
import { dashboardHtml, dashboardScript } from './dashboard/dashboard-assets.js';
import type { DashboardPageConfig } from './dashboard/page-config.js';
import { routerMetrics } from './metrics/router-metrics.js';
import type { RouterMetrics } from './metrics/router-metrics.js';
import type { MetricsConfig, ObservabilityOptions } from './observability-config.js';

/** Answers a plain HTTP request; returns false when the path is not one of its own. */
export type HttpRequestHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** What the routes need besides the options: the router, and whether the listeners listen. */
export interface HttpRoutesContext {
  readonly router: Router;
  /** True while every listener accepts connections. */
  readonly listening: () => boolean;
  /** `/metrics`, when served. */
  readonly metrics: MetricsConfig | undefined;
  /** The page's own config (`/dashboard/config.json`), when the dashboard is served. */
  readonly dashboard: DashboardPageConfig | undefined;
}

/** The HTTP endpoints beside WAMP, and what they hold open. */
export interface HttpRoutes {
  readonly handle: HttpRequestHandler;
  /** Why the router is not ready (empty when it is). */
  notReady(): string[];
  close(): void;
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  response.end(body);
}

/** Does the request carry `Authorization: Bearer <token>`? Compared in constant time. */
function bearerMatches(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The router's HTTP endpoints on the WebSocket listener's server: `/healthz`, `/readyz`,
 * `/metrics` and `/dashboard` (each only when configured). The handler is synchronous
 * about which paths it takes, so that the server answers everything else as before.
 */
export function httpRoutes(context: HttpRoutesContext, options: ObservabilityOptions): HttpRoutes {
  const { router } = context;
  const metrics: RouterMetrics | undefined =
    context.metrics === undefined ? undefined : routerMetrics(router, { clusterState$: options.clusterState$, processMetrics: context.metrics.process !== false });
  // The latest value of every readiness condition; one that has not spoken yet is not ready.
  const conditions = options.readiness ?? [];
  let conditionsReady = conditions.length === 0;
  const following: Subscription | undefined =
    conditions.length === 0
      ? undefined
      : combineLatest([...conditions])
          .pipe(map((values) => values.every(Boolean)))
          .subscribe({ next: (ready) => (conditionsReady = ready), error: () => (conditionsReady = false) });

  const notReady = (): string[] => {
    const reasons: string[] = [];
    if (router.closed) reasons.push('the router is shutting down');
    if (!context.listening()) reasons.push('a listener is closed');
    if (!conditionsReady) reasons.push('a readiness condition is not met (e.g. the cluster link)');
    return reasons;
  };

  const handle: HttpRequestHandler = (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    switch (path) {
      case '/healthz':
        send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
        return true;
      case '/readyz': {
        const reasons = notReady();
        if (reasons.length === 0) send(response, 200, 'text/plain; charset=utf-8', 'ready\n');
        else send(response, 503, 'text/plain; charset=utf-8', `not ready: ${reasons.join('; ')}\n`);
        return true;
      }
      case '/metrics': {
        if (metrics === undefined || context.metrics === undefined) return false;
        const token = context.metrics.token;
        if (token !== undefined && !bearerMatches(request, token)) {
          send(response, 401, 'text/plain; charset=utf-8', 'a bearer token is required\n', { 'WWW-Authenticate': 'Bearer realm="rxwamp metrics"' });
          return true;
        }
        metrics.text().then(
          (text) => send(response, 200, metrics.contentType, text),
          (error: unknown) => send(response, 500, 'text/plain; charset=utf-8', `metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
        );
        return true;
      }
      case '/dashboard':
      case '/dashboard/':
        if (context.dashboard === undefined) return false;
        send(response, 200, 'text/html; charset=utf-8', dashboardHtml());
        return true;
      case '/dashboard/config.json':
        if (context.dashboard === undefined) return false;
        send(response, 200, 'application/json', JSON.stringify(context.dashboard));
        return true;
      case '/dashboard/app.js':
        if (context.dashboard === undefined) return false;
        dashboardScript().then(
          (script) => send(response, 200, 'text/javascript; charset=utf-8', script),
          (error: unknown) => send(response, 500, 'text/plain; charset=utf-8', `${error instanceof Error ? error.message : String(error)}\n`),
        );
        return true;
      default:
        return false;
    }
  };

  return {
    handle,
    notReady,
    close() {
      following?.unsubscribe();
      metrics?.close();
    },
  };
}
