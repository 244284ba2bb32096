/** The measurements, each against a server (router or floor relay) already running. */
import type { Codec } from './raw-wamp.js';
import { measure, serverMemory, startGenerator, stopAll } from './processes.js';
import type { Child, Server } from './processes.js';
import type { WindowResult } from './generator.js';

/** How long to warm up and to measure, in milliseconds. */
export interface Timing {
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** A throughput figure with latency percentiles. */
export interface Rate {
  /** Messages per second (calls, events or publications). */
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** The server's CPU time per message (call or publication), in µs: its cost, independent of who else needs the cores. */
  readonly cpuUs: number;
  /** RPC: the callers' own CPU time per call, in µs (raw or WampClient callers); publishing: the publisher's per publication. */
  readonly callersCpuUs?: number;
}

export const PROCEDURE = 'bench.proc.echo';
export const TOPIC = 'bench.topic.hot';

/** Which WebSocket / RawSocket URL of a server to use. */
function urlOf(server: Server, transport: 'ws' | 'rs'): string {
  const url = transport === 'rs' ? server.urls.rs : server.urls.ws;
  if (url === undefined) throw new Error(`the server has no ${transport} listener`);
  return url;
}

/** How the raw callers call: how many, how many in flight, how large an argument, paced to what rate. */
export interface CallShape {
  readonly callers?: number;
  readonly inflight?: number;
  /** One string argument of this many bytes instead of the small default arguments. */
  readonly payloadBytes?: number;
  /** Calls per second in all (open loop), instead of as fast as answers come back. */
  readonly rate?: number;
}

/** RPC at a fixed rate (JSON over WebSocket): latency below saturation. */
export function rpcPaced(server: Server, rate: number, timing: Timing): Promise<Rate> {
  return rpc(server, 'json', 'ws', timing, 'load/callers.ts', [], { rate });
}

/** RPC with one argument of `bytes` bytes (JSON over WebSocket), few calls in flight. */
export function rpcLarge(server: Server, bytes: number, timing: Timing): Promise<Rate> {
  return rpc(server, 'json', 'ws', timing, 'load/callers.ts', [], { payloadBytes: bytes, callers: 2, inflight: bytes > 256 * 1024 ? 2 : 8 });
}

/** RPC: 1 callee, `callers` callers with `inflight` calls in flight each. Callers are raw, or WampClient ones. */
export async function rpc(server: Server, codec: Codec, transport: 'ws' | 'rs', timing: Timing, callersScript = 'load/callers.ts', callersNodeArgs: string[] = [], shape: CallShape = {}): Promise<Rate> {
  const url = urlOf(server, transport);
  const generators: Child[] = [];
  try {
    generators.push(await startGenerator('load/callee.ts', { url, codec, procedure: PROCEDURE }));
    generators.push(await startGenerator(callersScript, { url, codec, procedure: PROCEDURE, callers: 4, inflight: 64, ...shape }, callersNodeArgs));
    const { results, serverCpuMicros } = await measure(generators, timing.warmupMs, timing.windowMs, server);
    const callers = results[1]!;
    const callersCpuUs = callers['clientCpuUs'];
    return {
      perSecond: callers.count / callers.seconds,
      p50Us: callers['p50Us'] as number,
      p99Us: callers['p99Us'] as number,
      cpuUs: serverCpuMicros / callers.count,
      ...(typeof callersCpuUs === 'number' ? { callersCpuUs } : {}),
    };
  } finally {
    await stopAll(generators);
  }
}

/** Pub/sub fan-out: 1 acknowledged publisher (64 in flight), N subscribers; events delivered per second. */
export async function fanout(server: Server, codec: Codec, subscribers: number, timing: Timing): Promise<Rate> {
  const url = urlOf(server, 'ws');
  const generators: Child[] = [];
  try {
    generators.push(await startGenerator('load/subscribers.ts', { url, codec, topic: TOPIC, subscribers }));
    generators.push(await startGenerator('load/publisher.ts', { url, codec, topic: TOPIC, inflight: 64 }));
    const { results, serverCpuMicros } = await measure(generators, timing.warmupMs, timing.windowMs, server);
    const [subs, publisher] = results as [WindowResult, WindowResult];
    return { perSecond: subs.count / subs.seconds, p50Us: publisher['p50Us'] as number, p99Us: publisher['p99Us'] as number, cpuUs: serverCpuMicros / publisher.count };
  } finally {
    await stopAll(generators);
  }
}

/**
 * Publications per second of one acknowledged publisher (64 in flight) to 1 subscriber, and the
 * publisher's own CPU per publication: a raw publisher, or a WampClient one (`load/client-publisher.ts`).
 */
export async function publishing(server: Server, timing: Timing, publisherScript = 'load/publisher.ts', publisherNodeArgs: string[] = []): Promise<Rate> {
  const url = urlOf(server, 'ws');
  const generators: Child[] = [];
  try {
    generators.push(await startGenerator('load/subscribers.ts', { url, codec: 'json', topic: TOPIC, subscribers: 1 }));
    generators.push(await startGenerator(publisherScript, { url, codec: 'json', topic: TOPIC, inflight: 64 }, publisherNodeArgs));
    const { results, serverCpuMicros } = await measure(generators, timing.warmupMs, timing.windowMs, server);
    const publisher = results[1]!;
    const publisherCpuUs = publisher['clientCpuUs'];
    return {
      perSecond: publisher.count / publisher.seconds,
      p50Us: publisher['p50Us'] as number,
      p99Us: publisher['p99Us'] as number,
      cpuUs: serverCpuMicros / publisher.count,
      ...(typeof publisherCpuUs === 'number' ? { callersCpuUs: publisherCpuUs } : {}),
    };
  } finally {
    await stopAll(generators);
  }
}

/** Fills a server with `count` other subscriptions and `count` other registrations; stop the returned child to drop them. */
export function seed(server: Server, count: number): Promise<Child> {
  return startGenerator('load/seeder.ts', { url: urlOf(server, 'ws'), codec: 'json', count });
}

/** Server memory (heap + external, after GC) per idle session, with `sessions` joined at once. */
export async function memoryPerSession(server: Server, sessions: number): Promise<number> {
  const before = await serverMemory(server);
  const idle = await startGenerator('load/idle-sessions.ts', { url: urlOf(server, 'ws'), sessions });
  try {
    const after = await serverMemory(server);
    return (after - before) / sessions;
  } finally {
    await idle.stop();
  }
}
