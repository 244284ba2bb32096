/** Load generator: one raw callee that registers a procedure and yields its arguments back. */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { pipelined, session } from '../lib/raw-wamp.js';
import type { Codec } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; procedure: string }>();
try {
  const peer = await session(config.url, config.codec);
  await pipelined(peer, 1, 1, (_i, request) => [64, request, {}, config.procedure]);
  let count = 0;
  peer.onMessage = (m) => {
    if (m[0] !== 68) return;
    count++;
    peer.send([70, m[1], {}, m[4]]);
  };
  serveGenerator({ reset: () => (count = 0), collect: (seconds) => ({ count, seconds }) });
} catch (error) {
  failGenerator(error);
}
