import type { Router } from '../../router/router.js';
import type { DashboardConfig } from '../observability-config.js';
import { isLoopbackHost, RATES_TOPIC } from '../observability-config.js';
import type { DashboardPageConfig } from './page-config.js';

/** The login methods the page itself can offer, in its order of preference. */
const PAGE_METHODS = ['ticket', 'wampcra', 'anonymous'] as const;

/** A dashboard that must not be served as configured. */
export class DashboardRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DashboardRefused';
  }
}

/**
 * Decides what the page joins and with which methods, or refuses: the realm must exist
 * and accept a method the page offers, a realm with `auth` must name the admitted roles, and
 * a dashboard on a non-loopback address must sit behind authentication.
 */
export function dashboardPageConfig(router: Router, config: DashboardConfig, host: string, path: string): DashboardPageConfig {
  const realmName = config.realm ?? router.configuredRealms()[0];
  if (realmName === undefined) throw new DashboardRefused('the dashboard needs a realm: configure one, or name it in dashboard.realm');
  const realm = router.realmConfig(realmName);
  if (realm === undefined) throw new DashboardRefused(`dashboard.realm '${realmName}' is not a configured realm`);
  const accepted = realm.auth === undefined ? (realm.authenticator === undefined ? ['anonymous'] : ['ticket', 'wampcra']) : Object.keys(realm.auth);
  const authmethods = PAGE_METHODS.filter((m) => accepted.includes(m));
  if (authmethods.length === 0) throw new DashboardRefused(`realm '${realmName}' accepts none of the dashboard's login methods (${PAGE_METHODS.join(', ')})`);
  const anonymous = authmethods.includes('anonymous');
  if (anonymous && !isLoopbackHost(host)) {
    throw new DashboardRefused(`refusing to serve the dashboard on ${host} without authentication: realm '${realmName}' admits anonymous sessions (give it ticket or wampcra auth, or listen on a loopback address)`);
  }
  const roles = config.roles ?? (realm.auth === undefined && realm.authenticator === undefined ? ['anonymous'] : undefined);
  if (roles === undefined || roles.length === 0) throw new DashboardRefused(`dashboard.roles must name the authroles of realm '${realmName}' that may use the dashboard`);
  const ratesIntervalMs = config.ratesIntervalMs ?? 1000;
  if (!(ratesIntervalMs >= 50)) throw new DashboardRefused('dashboard.ratesIntervalMs must be at least 50');
  // With a login form, anonymous is no way in: the page asks for credentials.
  return { realm: realmName, path, authmethods: anonymous && authmethods.length > 1 ? authmethods.filter((m) => m !== 'anonymous') : authmethods, roles: [...roles], ratesTopic: RATES_TOPIC, ratesIntervalMs };
}
