import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { validateRealmAuthConfig } from '../router/auth/validate-config.js';
import type { RealmConfig, RouterLimits } from '../router/config.js';
import type { ListenOptions } from './listen.js';
import type { TlsListenerConfig } from './tls-listener.js';
import type { DashboardConfig, MetricsConfig } from './observability-config.js';

/** The router's config file: listeners, realms and limits, every section optional. */
export interface RouterFileConfig {
  readonly listeners?: ListenOptions;
  readonly realms?: RealmConfig[];
  readonly limits?: RouterLimits;
  /** Log level: debug, info (default), warn, error. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** `GET /metrics` on the WebSocket listener (default: on when it binds a loopback address). */
  readonly metrics?: MetricsConfig;
  /** The live dashboard at `GET /dashboard` (default: off). */
  readonly dashboard?: DashboardConfig;
  /** Makes the router one node of a cluster over NATS (see `natsCluster()`). */
  readonly cluster?: ClusterFileConfig;
}

/** The config file's `cluster` section. */
export interface ClusterFileConfig {
  /** NATS server URLs, e.g. `["nats://127.0.0.1:4222"]`. */
  readonly servers: readonly string[];
  /** The cluster's name (default `rxwamp`). */
  readonly name?: string;
  /** This node's name, unique in the cluster (default: host name and process id). */
  readonly node?: string;
}

/** What `npm start` runs with no arguments: realm1 for anonymous peers on ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081. */
export const DEFAULT_ROUTER_CONFIG: RouterFileConfig = {
  listeners: { websocket: { host: '127.0.0.1', port: 8080, path: '/ws' }, rawsocket: { host: '127.0.0.1', port: 8081 } },
  realms: [{ name: 'realm1' }],
};

/** A config file that cannot be used, with what is wrong in it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkPort(where: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${where}.port must be an integer in 0..65535`);
}

/** Checks a parsed config and returns it typed; throws ConfigError naming the first bad field. */
export function parseRouterConfig(value: unknown): RouterFileConfig {
  if (!isObject(value)) throw new ConfigError('the config must be a JSON object');
  const listeners = value['listeners'];
  if (listeners !== undefined) {
    if (!isObject(listeners)) throw new ConfigError('listeners must be an object');
    for (const key of Object.keys(listeners)) {
      if (!['websocket', 'rawsocket', 'unix'].includes(key)) throw new ConfigError(`listeners.${key} is not a listener type (websocket, rawsocket, unix)`);
      const listener = listeners[key];
      if (!isObject(listener)) throw new ConfigError(`listeners.${key} must be an object`);
      if (key === 'unix') {
        if (typeof listener['path'] !== 'string') throw new ConfigError('listeners.unix.path must be a string');
      } else {
        checkPort(`listeners.${key}`, listener['port']);
        if (listener['host'] !== undefined && typeof listener['host'] !== 'string') throw new ConfigError(`listeners.${key}.host must be a string`);
        const tls = listener['tls'];
        if (tls !== undefined) {
          if (!isObject(tls)) throw new ConfigError(`listeners.${key}.tls must be an object with cert and key (PEM file paths)`);
          for (const file of ['cert', 'key', 'ca']) {
            const path = tls[file];
            if ((file !== 'ca' || path !== undefined) && (typeof path !== 'string' || path === '')) throw new ConfigError(`listeners.${key}.tls.${file} must be a file path`);
          }
        }
      }
    }
  }
  const realms = value['realms'];
  if (realms !== undefined) {
    if (!Array.isArray(realms)) throw new ConfigError('realms must be a list');
    realms.forEach((realm: unknown, i) => {
      if (!isObject(realm) || typeof realm['name'] !== 'string') throw new ConfigError(`realms[${i}].name must be a string`);
      try {
        if (realm['auth'] !== undefined) validateRealmAuthConfig(realm['auth']);
      } catch (error) {
        throw new ConfigError(`realms[${i}].auth: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (realm['strictPeerRoles'] !== undefined && typeof realm['strictPeerRoles'] !== 'boolean') {
        throw new ConfigError(`realms[${i}].strictPeerRoles must be true or false`);
      }
      const history = realm['history'];
      if (history !== undefined && !Array.isArray(history)) throw new ConfigError(`realms[${i}].history must be a list`);
      (history ?? []).forEach((h: unknown, j: number) => {
        if (!isObject(h) || typeof h['uri'] !== 'string' || typeof h['limit'] !== 'number' || !(h['limit'] >= 1)) {
          throw new ConfigError(`realms[${i}].history[${j}] needs a uri and a limit of at least 1`);
        }
      });
      const roles = realm['roles'];
      if (roles !== undefined && !Array.isArray(roles)) throw new ConfigError(`realms[${i}].roles must be a list`);
      (roles ?? []).forEach((role: unknown, j: number) => {
        if (!isObject(role) || typeof role['name'] !== 'string' || !Array.isArray(role['permissions'])) {
          throw new ConfigError(`realms[${i}].roles[${j}] needs a name and a list of permissions`);
        }
        role['permissions'].forEach((p: unknown, k: number) => {
          if (!isObject(p) || typeof p['uri'] !== 'string') throw new ConfigError(`realms[${i}].roles[${j}].permissions[${k}].uri must be a string`);
          if (p['match'] !== undefined && !['exact', 'prefix', 'wildcard'].includes(p['match'] as string)) {
            throw new ConfigError(`realms[${i}].roles[${j}].permissions[${k}].match must be exact, prefix or wildcard`);
          }
        });
      });
    });
  }
  const limits = value['limits'];
  if (limits !== undefined) {
    if (!isObject(limits)) throw new ConfigError('limits must be an object');
    for (const [key, limit] of Object.entries(limits)) {
      const least = key === 'idleTimeoutMs' ? 0 : Number.MIN_VALUE;
      if (typeof limit !== 'number' || !(limit >= least)) throw new ConfigError(`limits.${key} must be a ${least === 0 ? 'non-negative' : 'positive'} number`);
    }
  }
  const metrics = value['metrics'];
  if (metrics !== undefined) {
    if (!isObject(metrics)) throw new ConfigError('metrics must be an object');
    for (const key of Object.keys(metrics)) if (!['enabled', 'token', 'process'].includes(key)) throw new ConfigError(`metrics.${key} is not a metrics setting (enabled, token, process)`);
    if (metrics['enabled'] !== undefined && typeof metrics['enabled'] !== 'boolean') throw new ConfigError('metrics.enabled must be true or false');
    if (metrics['process'] !== undefined && typeof metrics['process'] !== 'boolean') throw new ConfigError('metrics.process must be true or false');
    if (metrics['token'] !== undefined && (typeof metrics['token'] !== 'string' || metrics['token'] === '')) throw new ConfigError('metrics.token must be a non-empty string');
  }
  const dashboard = value['dashboard'];
  if (dashboard !== undefined) {
    if (!isObject(dashboard)) throw new ConfigError('dashboard must be an object');
    for (const key of Object.keys(dashboard)) if (!['enabled', 'realm', 'roles', 'ratesIntervalMs'].includes(key)) throw new ConfigError(`dashboard.${key} is not a dashboard setting (enabled, realm, roles, ratesIntervalMs)`);
    if (dashboard['enabled'] !== undefined && typeof dashboard['enabled'] !== 'boolean') throw new ConfigError('dashboard.enabled must be true or false');
    if (dashboard['realm'] !== undefined && typeof dashboard['realm'] !== 'string') throw new ConfigError('dashboard.realm must be a string');
    const roles = dashboard['roles'];
    if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) throw new ConfigError('dashboard.roles must be a list of authroles');
    const every = dashboard['ratesIntervalMs'];
    if (every !== undefined && !(typeof every === 'number' && every >= 50)) throw new ConfigError('dashboard.ratesIntervalMs must be a number of at least 50');
  }
  const cluster = value['cluster'];
  if (cluster !== undefined) {
    if (!isObject(cluster)) throw new ConfigError('cluster must be an object');
    const servers = cluster['servers'];
    if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) throw new ConfigError('cluster.servers must be a non-empty list of NATS URLs');
    for (const key of ['name', 'node'] as const) {
      const name = cluster[key];
      if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(name))) throw new ConfigError(`cluster.${key} may contain only letters, digits, '_' and '-'`);
    }
  }
  const logLevel = value['logLevel'];
  if (logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(logLevel as string)) throw new ConfigError('logLevel must be debug, info, warn or error');
  return value as RouterFileConfig;
}

/** Reads and checks a config file. */
export async function loadRouterConfig(path: string): Promise<RouterFileConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return withTlsFilesBeside(parseRouterConfig(value), dirname(path));
}

/** TLS file paths in a config file are relative to the file's directory, as in Crossbar. */
function withTlsFilesBeside(config: RouterFileConfig, dir: string): RouterFileConfig {
  const listeners = config.listeners;
  if (listeners === undefined) return config;
  const place = <T extends { readonly tls?: TlsListenerConfig }>(listener: T | undefined): T | undefined => {
    if (listener?.tls === undefined) return listener;
    const { cert, key, ca } = listener.tls;
    return { ...listener, tls: { cert: resolve(dir, cert), key: resolve(dir, key), ...(ca === undefined ? {} : { ca: resolve(dir, ca) }) } };
  };
  const websocket = place(listeners.websocket);
  const rawsocket = place(listeners.rawsocket);
  return { ...config, listeners: { ...listeners, ...(websocket === undefined ? {} : { websocket }), ...(rawsocket === undefined ? {} : { rawsocket }) } };
}
