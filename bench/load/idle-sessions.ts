/** Load generator (passive): N idle raw sessions (JSON over WebSocket), all joined at once. */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { session } from '../lib/raw-wamp.js';
import type { RawPeer } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; sessions: number }>();
const peers: RawPeer[] = [];
try {
  // Joined in batches: 10,000 handshakes at once would only queue up in the kernel.
  for (let done = 0; done < config.sessions; ) {
    const batch = Math.min(250, config.sessions - done);
    peers.push(...(await Promise.all(Array.from({ length: batch }, () => session(config.url, 'json')))));
    done += batch;
  }
  serveGenerator({ reset: () => undefined, collect: (seconds) => ({ count: peers.length, seconds }) });
} catch (error) {
  failGenerator(error);
}
