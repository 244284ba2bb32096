/** Load generator: raw callers (N sessions, W calls in flight each) of one procedure, with round-trip latency. */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { RoundTrips } from '../lib/latency.js';
import { session } from '../lib/raw-wamp.js';
import type { Codec, RawPeer } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; procedure: string; callers: number; inflight: number }>();
const args = ['hello', 42, { small: true }];
const trips = new RoundTrips();

function drive(peer: RawPeer): void {
  let request = 0;
  const call = (): void => {
    request++;
    trips.sent(request);
    peer.send([48, request, {}, config.procedure, args]);
  };
  peer.onMessage = (m) => {
    if (m[0] !== 50) {
      failGenerator(new Error(`unexpected reply ${JSON.stringify(m).slice(0, 200)}`));
    }
    trips.answered(m[1] as number);
    call();
  };
  for (let i = 0; i < config.inflight; i++) call();
}

try {
  const peers = await Promise.all(Array.from({ length: config.callers }, () => session(config.url, config.codec)));
  serveGenerator({
    run: () => peers.forEach(drive),
    reset: () => trips.reset(),
    collect: (seconds) => trips.result(seconds),
  });
} catch (error) {
  failGenerator(error);
}
