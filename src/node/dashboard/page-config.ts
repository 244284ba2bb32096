/** What the dashboard page learns from `/dashboard/config.json` (served by the router, read by the page). */
export interface DashboardPageConfig {
  /** The realm the page joins. */
  readonly realm: string;
  /** The WAMP WebSocket path on the same host (e.g. `/ws`). */
  readonly path: string;
  /** The methods the realm accepts, in the page's order of preference (`anonymous`, `ticket`, `wampcra`). */
  readonly authmethods: readonly string[];
  /** The authroles the page admits. */
  readonly roles: readonly string[];
  /** The topic of the router's rates. */
  readonly ratesTopic: string;
  /** The rates' interval, in milliseconds. */
  readonly ratesIntervalMs: number;
}
