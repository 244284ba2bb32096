#!/usr/bin/env node
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { jsonLogger } from '../router/logger.js';
import { Router } from '../router/router.js';
import { natsCluster } from './cluster/nats-cluster.js';
import { listen } from './listen.js';
import type { ListenOptions } from './listen.js';
import { ConfigError, DEFAULT_ROUTER_CONFIG, loadRouterConfig } from './router-config.js';
import type { RouterFileConfig } from './router-config.js';

const USAGE = `usage: rxwamp-router [--config router.json] [--host 127.0.0.1] [--ws-port 8080] [--ws-path /ws]
                     [--rawsocket-port 8081] [--unix /path.sock] [--realm realm1] [--log-level info]
                     [--tls-cert cert.pem --tls-key key.pem [--tls-ca clients-ca.pem]]
                     [--metrics | --no-metrics] [--metrics-token TOKEN]
                     [--dashboard | --no-dashboard] [--dashboard-realm realm1] [--dashboard-role ROLE ...]
                     [--cluster nats://127.0.0.1:4222[,URL…]] [--cluster-name rxwamp] [--node-name a] [--workers N]

With no arguments it serves realm1 (anonymous) on ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081.
Flags override the config file. Port 0 lets the OS pick a free port. --tls-cert and --tls-key
put both TCP listeners on TLS (wss://, rss://); SIGHUP reloads the certificate files.
On the WebSocket listener: /healthz and /readyz always; /metrics by default when it binds a
loopback address (elsewhere with --metrics, best with --metrics-token); /dashboard with --dashboard.
With --cluster, the router is one node of a cluster over NATS (JetStream on) and prints
its listening lines once it is ready; --workers N forks N nodes sharing the listeners.`;

/** The effective config and the number of worker processes (1: this process serves). */
interface Effective {
  readonly config: RouterFileConfig;
  readonly workers: number;
}

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`--${flag} must be a port number (0..65535), got '${value}'`);
  return n;
}

/** The effective config: the file (or the embedded default), then the flags on top. */
async function configFrom(argv: string[]): Promise<Effective | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      'ws-port': { type: 'string' },
      'ws-path': { type: 'string' },
      'rawsocket-port': { type: 'string' },
      unix: { type: 'string' },
      realm: { type: 'string' },
      'log-level': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      metrics: { type: 'boolean' },
      'no-metrics': { type: 'boolean' },
      'metrics-token': { type: 'string' },
      dashboard: { type: 'boolean' },
      'no-dashboard': { type: 'boolean' },
      'dashboard-realm': { type: 'string' },
      'dashboard-role': { type: 'string', multiple: true },
      cluster: { type: 'string' },
      'cluster-name': { type: 'string' },
      'node-name': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(USAGE);
    return undefined;
  }
  const base = values.config !== undefined ? await loadRouterConfig(values.config) : DEFAULT_ROUTER_CONFIG;
  const listeners: { -readonly [K in keyof ListenOptions]: ListenOptions[K] } = { ...base.listeners };
  const wsPort = port('ws-port', values['ws-port']);
  const rsPort = port('rawsocket-port', values['rawsocket-port']);
  if (wsPort !== undefined || values['ws-path'] !== undefined) {
    listeners.websocket = { ...(listeners.websocket ?? { port: 8080 }), ...(wsPort !== undefined ? { port: wsPort } : {}), ...(values['ws-path'] !== undefined ? { path: values['ws-path'] } : {}) };
  }
  if (rsPort !== undefined) listeners.rawsocket = { ...(listeners.rawsocket ?? {}), port: rsPort };
  if (values.unix !== undefined) listeners.unix = { path: values.unix };
  if (values.host !== undefined) {
    if (listeners.websocket !== undefined) listeners.websocket = { ...listeners.websocket, host: values.host };
    if (listeners.rawsocket !== undefined) listeners.rawsocket = { ...listeners.rawsocket, host: values.host };
  }
  const tlsCert = values['tls-cert'];
  const tlsKey = values['tls-key'];
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new ConfigError('--tls-cert and --tls-key go together');
  if (values['tls-ca'] !== undefined && tlsCert === undefined) throw new ConfigError('--tls-ca needs --tls-cert and --tls-key');
  if (tlsCert !== undefined && tlsKey !== undefined) {
    const tls = { cert: tlsCert, key: tlsKey, ...(values['tls-ca'] === undefined ? {} : { ca: values['tls-ca'] }) };
    if (listeners.websocket !== undefined) listeners.websocket = { ...listeners.websocket, tls };
    if (listeners.rawsocket !== undefined) listeners.rawsocket = { ...listeners.rawsocket, tls };
  }
  let realms = base.realms ?? [];
  if (values.realm !== undefined && !realms.some((r) => r.name === values.realm)) realms = [...realms, { name: values.realm }];
  const logLevel = values['log-level'] ?? base.logLevel ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError(`--log-level must be debug, info, warn or error, got '${logLevel}'`);
  if (values.metrics === true && values['no-metrics'] === true) throw new ConfigError('--metrics and --no-metrics contradict each other');
  if (values.dashboard === true && values['no-dashboard'] === true) throw new ConfigError('--dashboard and --no-dashboard contradict each other');
  const metrics = {
    ...base.metrics,
    ...(values.metrics === true ? { enabled: true } : {}),
    ...(values['no-metrics'] === true ? { enabled: false } : {}),
    ...(values['metrics-token'] !== undefined ? { token: values['metrics-token'] } : {}),
  };
  const dashboard = {
    ...base.dashboard,
    ...(values.dashboard === true ? { enabled: true } : {}),
    ...(values['no-dashboard'] === true ? { enabled: false } : {}),
    ...(values['dashboard-realm'] !== undefined ? { realm: values['dashboard-realm'] } : {}),
    ...(values['dashboard-role'] !== undefined ? { roles: values['dashboard-role'] } : {}),
  };
  let clusterConfig = base.cluster;
  if (values.cluster !== undefined) clusterConfig = { ...(clusterConfig ?? {}), servers: values.cluster.split(',').filter((s) => s !== '') };
  if (clusterConfig !== undefined) {
    if (values['cluster-name'] !== undefined) clusterConfig = { ...clusterConfig, name: values['cluster-name'] };
    if (values['node-name'] !== undefined) clusterConfig = { ...clusterConfig, node: values['node-name'] };
    if (clusterConfig.servers.length === 0) throw new ConfigError('--cluster needs at least one NATS URL');
  } else if (values['cluster-name'] !== undefined || values['node-name'] !== undefined) {
    throw new ConfigError('--cluster-name and --node-name need --cluster (or a cluster section in the config)');
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new ConfigError(`--workers must be a positive integer, got '${values.workers ?? ''}'`);
  if (workers > 1 && clusterConfig === undefined) throw new ConfigError('--workers needs --cluster: each worker is a node of the cluster');
  const config: RouterFileConfig = { ...base, listeners, realms, logLevel: logLevel as RouterFileConfig['logLevel'], metrics, dashboard, ...(clusterConfig !== undefined ? { cluster: clusterConfig } : {}) };
  return { config, workers };
}

async function main(): Promise<void> {
  let effective: Effective | undefined;
  try {
    effective = await configFrom(process.argv.slice(2));
  } catch (error) {
    console.error(`rxwamp-router: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (effective === undefined) return;
  const config = effective.config;
  const listeners = config.listeners ?? {};
  if (Object.keys(listeners).length === 0) {
    console.error('rxwamp-router: no listeners configured');
    process.exitCode = 2;
    return;
  }
  if (effective.workers > 1 && cluster.isPrimary) return superviseWorkers(effective.workers);
  const logger = jsonLogger(config.logLevel ?? 'info');
  const workerIndex = process.env['RXWAMP_WORKER'];
  const nodeName = config.cluster?.node !== undefined && workerIndex !== undefined ? `${config.cluster.node}-w${workerIndex}` : config.cluster?.node;
  const link =
    config.cluster === undefined ? undefined : natsCluster({ servers: config.cluster.servers, ...(config.cluster.name !== undefined ? { name: config.cluster.name } : {}), ...(nodeName !== undefined ? { node: nodeName } : {}), logger });
  const router = new Router({ realms: config.realms ?? [], limits: config.limits, logger, ...(link !== undefined ? { cluster: link } : {}) });
  try {
    // A clustered node announces itself as listening only once it holds the cluster's state.
    await router.ready;
  } catch (error) {
    console.error(`rxwamp-router: cannot join the cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let server;
  try {
    server = await listen(router, listeners, { metrics: config.metrics, dashboard: config.dashboard });
  } catch (error) {
    console.error(`rxwamp-router: cannot listen: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  if (cluster.isWorker) {
    // The primary prints the listening lines once every worker is ready.
    process.send?.({ rxwamp: 'listening', urls: server.urls, realms: (config.realms ?? []).map((r) => r.name) });
  } else {
    for (const url of server.urls) console.log(`listening ${url}`);
    const web = server.urls.find((url) => url.startsWith('ws://'))?.replace(/^ws:\/\/([^/]+).*$/, 'http://$1');
    if (web !== undefined && server.serves.metrics) console.log(`metrics ${web}/metrics`);
    if (web !== undefined && server.serves.dashboard) console.log(`dashboard ${web}/dashboard`);
    for (const realm of config.realms ?? []) console.log(`realm ${realm.name}`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'router_stopping', { signal });
    void router
      .close()
      .then(() => server.close())
      .then(() => {
        if (!cluster.isWorker) console.log('stopped');
        process.exit(0);
      });
  };
  // SIGHUP: new certificate files (e.g. renewed by certbot) without dropping a session.
  const secure = server.urls.some((url) => url.startsWith('wss:') || url.startsWith('rss:'));
  process.on('SIGHUP', () => {
    if (!secure) return logger.log('info', 'sighup_ignored', { reason: 'no TLS listeners' });
    server.reloadTls().then(
      () => {
        logger.log('info', 'tls_reloaded', {});
        console.log('reloaded tls');
      },
      (error: unknown) => logger.log('error', 'tls_reload_failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}


/**
 * `--workers N`: forks N router processes that share the listeners (node:cluster), each a
 * node of the cluster named after its index. Prints the listening lines once all are
 * ready; a worker that dies is started again under the same name; SIGINT/SIGTERM stop all.
 */
function superviseWorkers(count: number): void {
  let ready = 0;
  let stopping = false;
  const fork = (index: number): void => {
    const worker = cluster.fork({ RXWAMP_WORKER: String(index) });
    worker.on('message', (message: { rxwamp?: string; urls?: string[]; realms?: string[] }) => {
      if (message.rxwamp !== 'listening' || ++ready !== count) return;
      for (const url of message.urls ?? []) console.log(`listening ${url}`);
      for (const realm of message.realms ?? []) console.log(`realm ${realm}`);
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`rxwamp-router: worker ${index} exited (${signal ?? code}); starting it again`);
      fork(index);
    });
  };
  for (let i = 0; i < count; i++) fork(i);
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    let left = workers.length;
    const done = (): void => {
      console.log('stopped');
      process.exit(0);
    };
    if (left === 0) return done();
    for (const worker of workers) {
      worker.on('exit', () => {
        if (--left === 0) done();
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
