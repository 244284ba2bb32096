import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricObject, MetricObjectWithValues, MetricValueWithName } from 'prom-client';
import type { Observable, Subscription } from 'rxjs';
import { registerProcessMetrics } from './process-metrics.js';
import { MESSAGE_TABLE } from '../../protocol/message-table.js';
import type { Router } from '../../router/router.js';
import { CALL_DURATION_BUCKETS, CALL_OUTCOMES } from '../../router/router-stats.js';

import type { ClusterState } from '../../router/cluster.js';

/** Every cluster state, for the `rxwamp_cluster_state{state}` gauge. */
export const CLUSTER_STATES: readonly ClusterState[] = ['standalone', 'connecting', 'ready', 'disconnected'];

/** Options of {@link routerMetrics}. */
export interface RouterMetricsOptions {
  /** The cluster link's state; without it the router reports `standalone`. */
  readonly clusterState$?: Observable<ClusterState>;
  /** Node process metrics (CPU, memory, heap, event-loop utilization) as `rxwamp_process_*` / `rxwamp_nodejs_*`, read at scrape time. Default true. */
  readonly processMetrics?: boolean;
}

/** A router's Prometheus registry, and how to stop following the cluster state. */
export interface RouterMetrics {
  readonly registry: Registry;
  /** The text exposition (`text/plain; version=0.0.4`). */
  text(): Promise<string>;
  /** The content type of {@link text}. */
  readonly contentType: string;
  /** Stops following `clusterState$`. */
  close(): void;
}

/** prom-client's types declare the metric type as an enum; at run time it is this string. */
const HISTOGRAM_TYPE = 'histogram' as unknown as MetricObject['type'];

const CALL_DURATION_HELP = 'Time from CALL to its final RESULT or ERROR, for calls routed to a callee.';

/** Message names by code, for the `type` label. */
const MESSAGE_NAMES: ReadonlyArray<readonly [code: number, name: string]> = Object.entries(MESSAGE_TABLE).map(([name, layout]) => [layout.code, name] as const);

/**
 * A histogram whose values are read from the realms' counters at scrape time: the router
 * counts calls in plain arrays (see router-stats.ts), never through prom-client.
 */
class CallDurationHistogram extends Histogram<'realm'> {
  readonly #router: Router;

  constructor(router: Router, registry: Registry) {
    super({ name: 'rxwamp_call_duration_seconds', help: CALL_DURATION_HELP, labelNames: ['realm'], buckets: [...CALL_DURATION_BUCKETS], registers: [registry] });
    this.#router = router;
  }

  override get(): Promise<MetricObjectWithValues<MetricValueWithName<'realm'>>> {
    return this.getForPromString();
  }

  /** What prom-client's registry reads for the text format (it prefers this to `get()`). */
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<'realm'>>> {
    const values: Array<MetricValueWithName<'realm'>> = [];
    for (const realm of this.#router.realms()) {
      const stats = realm.stats;
      if (stats === undefined) continue;
      let cumulative = 0;
      CALL_DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += stats.callDurationBuckets[i] ?? 0;
        values.push({ metricName: 'rxwamp_call_duration_seconds_bucket', labels: { realm: realm.name, le: bound } as MetricValueWithName<'realm'>['labels'], value: cumulative });
      });
      cumulative += stats.callDurationBuckets[CALL_DURATION_BUCKETS.length] ?? 0;
      values.push({ metricName: 'rxwamp_call_duration_seconds_bucket', labels: { realm: realm.name, le: '+Inf' } as MetricValueWithName<'realm'>['labels'], value: cumulative });
      values.push({ metricName: 'rxwamp_call_duration_seconds_sum', labels: { realm: realm.name }, value: stats.callDurationSum });
      values.push({ metricName: 'rxwamp_call_duration_seconds_count', labels: { realm: realm.name }, value: stats.callDurationCount });
    }
    return { name: 'rxwamp_call_duration_seconds', help: CALL_DURATION_HELP, type: HISTOGRAM_TYPE, values, aggregator: 'sum', collect: () => undefined };
  }
}

/**
 * The router's metrics as a prom-client registry (prefix `rxwamp_`). Every value is read
 * from the router's plain counters when Prometheus scrapes; nothing runs per message.
 */
export function routerMetrics(router: Router, options: RouterMetricsOptions = {}): RouterMetrics {
  const registry = new Registry();
  const registers = [registry];
  const stats = router.stats;

  new Gauge({
    name: 'rxwamp_sessions',
    help: 'Established sessions per realm.',
    labelNames: ['realm'],
    registers,
    collect() {
      this.reset();
      for (const realm of router.realms()) this.set({ realm: realm.name }, realm.sessionCount);
    },
  });
  new Gauge({
    name: 'rxwamp_connections',
    help: 'Connections attached to the router, in every state (handshaking, established, closing).',
    registers,
    collect() {
      this.set(router.sessionCount);
    },
  });
  new Gauge({
    name: 'rxwamp_subscriptions',
    help: 'Subscriptions per realm.',
    labelNames: ['realm'],
    registers,
    collect() {
      this.reset();
      for (const realm of router.realms()) this.set({ realm: realm.name }, realm.subscriptions.size);
    },
  });
  new Gauge({
    name: 'rxwamp_registrations',
    help: 'Registrations per realm.',
    labelNames: ['realm'],
    registers,
    collect() {
      this.reset();
      for (const realm of router.realms()) this.set({ realm: realm.name }, realm.registrations.size);
    },
  });

  let clusterState: ClusterState = 'standalone';
  const following: Subscription | undefined = options.clusterState$?.subscribe((state) => (clusterState = state));
  new Gauge({
    name: 'rxwamp_cluster_state',
    help: 'The cluster link state: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      for (const state of CLUSTER_STATES) this.set({ state }, state === clusterState ? 1 : 0);
    },
  });

  if (stats !== undefined) {
    /** Counters are re-read from the router's numbers on every scrape. */
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], read: (set: (labels: Partial<Record<L, string>>, value: number) => void) => void): void => {
      new Counter<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          read((labels, value) => this.inc(labels, value));
        },
      });
    };
    counter('rxwamp_messages_received_total', 'WAMP messages received from peers, by type.', ['type'], (set) => {
      for (const [code, name] of MESSAGE_NAMES) if (stats.messagesIn[code]! > 0) set({ type: name }, stats.messagesIn[code]!);
    });
    counter('rxwamp_messages_sent_total', 'WAMP messages sent to peers, by type (an EVENT counts once per receiver).', ['type'], (set) => {
      for (const [code, name] of MESSAGE_NAMES) if (stats.messagesOut[code]! > 0) set({ type: name }, stats.messagesOut[code]!);
    });
    counter('rxwamp_calls_total', 'Calls routed by the dealer, by realm and outcome.', ['realm', 'outcome'], (set) => {
      for (const realm of router.realms()) {
        if (realm.stats === undefined) continue;
        for (const outcome of CALL_OUTCOMES) set({ realm: realm.name, outcome }, realm.stats.calls[outcome]);
      }
    });
    counter('rxwamp_events_published_total', 'PUBLISH messages accepted, by realm.', ['realm'], (set) => {
      for (const realm of router.realms()) if (realm.stats !== undefined) set({ realm: realm.name }, realm.stats.published);
    });
    counter('rxwamp_events_delivered_total', 'EVENTs handed to subscribers (meta events included), by realm.', ['realm'], (set) => {
      for (const realm of router.realms()) if (realm.stats !== undefined) set({ realm: realm.name }, realm.stats.delivered);
    });
    counter('rxwamp_slow_consumer_disconnects_total', 'Sessions dropped for not reading what they were sent.', [], (set) => set({}, stats.slowConsumerDisconnects));
    counter('rxwamp_auth_failures_total', 'Authentications refused.', [], (set) => set({}, stats.authFailures));
    counter('rxwamp_limit_hits_total', 'Requests or sessions refused by a limit, by the limit URI.', ['limit'], (set) => {
      for (const [limit, n] of stats.limitHits) set({ limit }, n);
    });
    new CallDurationHistogram(router, registry);
  }
  if (options.processMetrics !== false) registerProcessMetrics(registry);

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    close: () => following?.unsubscribe(),
  };
}
