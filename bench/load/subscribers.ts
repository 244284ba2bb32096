/** Load generator: N raw subscriber sessions on one topic, counting the events they receive. */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { pipelined, session } from '../lib/raw-wamp.js';
import type { Codec } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; topic: string; subscribers: number }>();
let count = 0;
try {
  const peers = await Promise.all(Array.from({ length: config.subscribers }, () => session(config.url, config.codec)));
  for (const peer of peers) {
    await pipelined(peer, 1, 1, (_i, request) => [32, request, {}, config.topic]);
    peer.onMessage = (m) => {
      if (m[0] === 36) count++;
    };
  }
  serveGenerator({ reset: () => (count = 0), collect: (seconds) => ({ count, seconds }) });
} catch (error) {
  failGenerator(error);
}
