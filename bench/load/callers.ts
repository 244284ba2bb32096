/**
 * Load generator: raw callers (N sessions, W calls in flight each) of one procedure, with
 * round-trip latency. `payloadBytes` makes the argument one string of that many bytes (large
 * payloads); `rate` paces the calls to that many per second in all (an open-loop generator,
 * for latency below saturation), with at most W in flight per caller.
 */
import { failGenerator, generatorConfig, serveGenerator } from '../lib/generator.js';
import { RoundTrips } from '../lib/latency.js';
import { session } from '../lib/raw-wamp.js';
import type { Codec, RawPeer } from '../lib/raw-wamp.js';

const config = generatorConfig<{ url: string; codec: Codec; procedure: string; callers: number; inflight: number; payloadBytes?: number; rate?: number }>();
const args = config.payloadBytes === undefined ? ['hello', 42, { small: true }] : ['x'.repeat(config.payloadBytes)];
const trips = new RoundTrips();
// The callers' own CPU time over the window (compared with the WampClient callers' in the report).
let cpuAtReset = process.cpuUsage();

/** A latency key per caller and request (request ids are per session, so callers' ids coincide). */
const key = (request: number, index: number): number => request * config.callers + index;

/** One caller: sends a call, answers are counted (and, unpaced, each answer sends the next call). */
function caller(peer: RawPeer, index: number, paced: boolean): { call(): void; inflight(): number } {
  let request = 0;
  let inflight = 0;
  const call = (): void => {
    request++;
    inflight++;
    trips.sent(key(request, index));
    peer.send([48, request, {}, config.procedure, args]);
  };
  peer.onMessage = (m) => {
    if (m[0] !== 50) {
      failGenerator(new Error(`unexpected reply ${JSON.stringify(m).slice(0, 200)}`));
    }
    inflight--;
    trips.answered(key(m[1] as number, index));
    if (!paced) call();
  };
  return { call, inflight: () => inflight };
}

/** Paced: every millisecond, sends as many calls as the rate owes by now, round-robin over the callers. */
function pace(callers: Array<ReturnType<typeof caller>>, rate: number): void {
  const started = performance.now();
  let sent = 0;
  let next = 0;
  setInterval(() => {
    const owed = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
    for (let i = 0; i < owed; i++) {
      sent++;
      // A caller at its in-flight bound skips its turn: the call is dropped, not queued (the
      // rate then shows as a lower count, and latency is not inflated by our own queue).
      const c = callers[next++ % callers.length]!;
      if (c.inflight() < config.inflight) c.call();
    }
  }, 1);
}

try {
  const peers = await Promise.all(Array.from({ length: config.callers }, () => session(config.url, config.codec)));
  serveGenerator({
    run: () => {
      const paced = config.rate !== undefined;
      const callers = peers.map((peer, index) => caller(peer, index, paced));
      if (paced) pace(callers, config.rate!);
      else for (const c of callers) for (let i = 0; i < config.inflight; i++) c.call();
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
