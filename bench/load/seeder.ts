/**
 * Load generator (passive): fills the router with state on other URIs: N subscriptions and
 * N registrations, a third each exact, prefix and wildcard, none matching the measured ones.
 */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { pipelined, session } from '../lib/raw-wamp.js';
import type { Codec, RawPeer } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; count: number }>();
/** Per session: the router's default limits allow 1,000 subscriptions and 1,000 registrations per session. */
const PER_SESSION = 1_000;

/** The i-th pattern: they share the measured URIs' first components, so an index must tell them apart. */
function pattern(kind: 'topic' | 'proc', i: number): [Record<string, string>, string] {
  switch (i % 3) {
    case 0:
      return [{}, `bench.${kind}.e${i}`];
    case 1:
      return [{ match: 'prefix' }, `bench.${kind}.p${i}`];
    default:
      return [{ match: 'wildcard' }, `bench..w${i}`];
  }
}

try {
  // Spread over many sessions, as real state is; a few sessions fill at once.
  const peers: RawPeer[] = [];
  const fill = async (first: number): Promise<void> => {
    const count = Math.min(PER_SESSION, config.count - first);
    const peer = await session(config.url, config.codec);
    peers.push(peer);
    await pipelined(peer, count, 256, (i, request) => [32, request, ...pattern('topic', first + i)]);
    await pipelined(peer, count, 256, (i, request) => [64, request, ...pattern('proc', first + i)]);
    peer.onMessage = () => undefined;
  };
  const starts = Array.from({ length: Math.ceil(config.count / PER_SESSION) }, (_, k) => k * PER_SESSION);
  for (let k = 0; k < starts.length; k += 4) await Promise.all(starts.slice(k, k + 4).map(fill));
  serveGenerator({ reset: () => undefined, collect: (seconds) => ({ count: 0, seconds }) });
} catch (error) {
  failGenerator(error);
}
