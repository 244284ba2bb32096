/** Load generator: one WampClient publisher, acknowledged, W publications in flight: the client library's own overhead. */
import { WampClient } from '../../src/client/wamp-client.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { percentile } from '../lib/latency.js';

const config = generatorConfig<{ url: string; codec: SerializerName; topic: string; inflight: number }>();
const args = ['hello', 42, { small: true }];
const options = { acknowledge: true };
let count = 0;
let samples: number[] = [];
let recording = false;
// The publisher's own CPU time over the window: the client's cost per publication.
let cpuAtReset = process.cpuUsage();

/** One of the W publications in flight: publishes again as soon as the previous one is acknowledged. */
class Lane {
  readonly #client: WampClient;
  #started = 0;
  // One observer per lane, not per publication, as the raw publisher keeps no closure per publication.
  readonly #observer = {
    next: (): void => {
      count++;
      if (recording) samples.push((performance.now() - this.#started) * 1000);
    },
    complete: (): void => this.publish(),
    error: (error: unknown): void => failGenerator(error),
  };

  constructor(client: WampClient) {
    this.#client = client;
  }

  publish(): void {
    this.#started = performance.now();
    this.#client.publish(config.topic, args, undefined, options).subscribe(this.#observer);
  }
}

try {
  const client = new WampClient({ url: config.url, realm: 'realm1', serializer: config.codec, reconnect: false });
  // Join first, so that the window measures publications, not the handshake.
  await new Promise<void>((resolve, reject) => {
    const s = client.session$.subscribe({ next: () => { resolve(); queueMicrotask(() => s.unsubscribe()); }, error: reject });
  });
  serveGenerator({
    run: () => {
      for (let i = 0; i < config.inflight; i++) new Lane(client).publish();
    },
    reset: () => {
      count = 0;
      samples = [];
      recording = true;
      cpuAtReset = process.cpuUsage();
    },
    collect: (seconds) => {
      const cpu = process.cpuUsage(cpuAtReset);
      return { count, seconds, p50Us: percentile(samples, 0.5), p99Us: percentile(samples, 0.99), clientCpuUs: (cpu.user + cpu.system) / count };
    },
  });
} catch (error) {
  failGenerator(error);
}
