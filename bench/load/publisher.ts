/** Load generator: one raw publisher, acknowledged, W publications in flight. */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { RoundTrips } from '../lib/latency.js';
import { session } from '../lib/raw-wamp.js';
import type { Codec } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; topic: string; inflight: number }>();
const args = ['hello', 42, { small: true }];
const options = { acknowledge: true };
const trips = new RoundTrips();
// The publisher's own CPU time over the window (compared with the WampClient publisher's).
let cpuAtReset = process.cpuUsage();
try {
  const peer = await session(config.url, config.codec);
  let request = 0;
  const publish = (): void => {
    request++;
    trips.sent(request);
    peer.send([16, request, options, config.topic, args]);
  };
  peer.onMessage = (m) => {
    if (m[0] !== 17) failGenerator(new Error(`unexpected reply ${JSON.stringify(m).slice(0, 200)}`));
    trips.answered(m[1] as number);
    publish();
  };
  serveGenerator({
    run: () => {
      for (let i = 0; i < config.inflight; i++) publish();
    },
    reset: () => {
      trips.reset();
      cpuAtReset = process.cpuUsage();
    },
    collect: (seconds) => {
      const cpu = process.cpuUsage(cpuAtReset);
      return { ...trips.result(seconds), clientCpuUs: (cpu.user + cpu.system) / trips.count };
    },
  });
} catch (error) {
  failGenerator(error);
}
