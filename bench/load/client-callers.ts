/** Load generator: N WampClient callers, W calls in flight each: the client library's own overhead. */
import { WampClient } from '../../src/client/wamp-client.js';
import type { SerializerName } from '../../src/serialization/serializer.js';
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { percentile } from '../lib/latency.js';

const config = generatorConfig<{ url: string; codec: SerializerName; procedure: string; callers: number; inflight: number }>();
const args = ['hello', 42, { small: true }];
let count = 0;
let samples: number[] = [];
let recording = false;
// The callers' own CPU time over the window: the client's cost per call, whoever else needs the cores.
let cpuAtReset = process.cpuUsage();

/** One of the W calls in flight of a client: calls again as soon as its call completes. */
class Lane {
  readonly #client: WampClient;
  #started = 0;
  // One observer per lane, not per call: the generator itself should cost next to nothing.
  readonly #observer = {
    next: (): void => {
      count++;
      if (recording) samples.push((performance.now() - this.#started) * 1000);
    },
    complete: (): void => this.call(),
    error: (error: unknown): void => failGenerator(error),
  };

  constructor(client: WampClient) {
    this.#client = client;
  }

  call(): void {
    this.#started = performance.now();
    this.#client.call(config.procedure, args).subscribe(this.#observer);
  }
}

try {
  const clients = Array.from({ length: config.callers }, () => new WampClient({ url: config.url, realm: 'realm1', serializer: config.codec, reconnect: false }));
  // Join first, so that the window measures calls, not handshakes.
  await Promise.all(clients.map((c) => new Promise<void>((resolve, reject) => {
    const s = c.session$.subscribe({ next: () => { resolve(); queueMicrotask(() => s.unsubscribe()); }, error: reject });
  })));
  serveGenerator({
    run: () => {
      for (const client of clients) for (let i = 0; i < config.inflight; i++) new Lane(client).call();
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
