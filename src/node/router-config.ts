import { readFile } from 'node:fs/promises';
import { validateRealmAuthConfig } from '../router/auth/validate-config.js';
import type { RealmConfig, RouterLimits } from '../router/config.js';
import type { ListenOptions } from './listen.js';

/** The router's config file: listeners, realms and limits, every section optional. */
export interface RouterFileConfig {
  readonly listeners?: ListenOptions;
  readonly realms?: RealmConfig[];
  readonly limits?: RouterLimits;
  /** Log level: debug, info (default), warn, error. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
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
  return parseRouterConfig(value);
}
