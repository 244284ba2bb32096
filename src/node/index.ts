/** rxwamp/node: Node-only listeners (WebSocket, RawSocket over TCP and Unix sockets) and transports. */
export {};
export * from './transport-server.js';
export * from './socket-duplex.js';
export * from './connect-rawsocket.js';
export * from './serve-rawsocket.js';
export * from './serve-websocket.js';
export * from './listen.js';
export * from './router-config.js';
export * from './observability-config.js';
export { httpRoutes } from './http-routes.js';
export type { HttpRequestHandler, HttpRoutes, HttpRoutesContext } from './http-routes.js';
export { routerMetrics, CLUSTER_STATES } from './metrics/router-metrics.js';
export type { ClusterState, RouterMetrics, RouterMetricsOptions } from './metrics/router-metrics.js';
export { ratesOf } from './dashboard/rates.js';
export type { RatesSample } from './dashboard/rates.js';
export { DashboardRefused, dashboardPageConfig } from './dashboard/dashboard-access.js';
export type { DashboardPageConfig } from './dashboard/page-config.js';
