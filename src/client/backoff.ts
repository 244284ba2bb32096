import type { ReconnectOptions } from './client-options.js';

/** The reconnect policy with every default filled in. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/** The policy for `reconnect` options (false: no retries). */
export function reconnectPolicy(options: ReconnectOptions | false | undefined): ReconnectPolicy {
  if (options === false) return { initialDelayMs: 0, maxDelayMs: 0, factor: 1, maxRetries: 0, jitter: 0 };
  return {
    initialDelayMs: options?.initialDelayMs ?? 1000,
    maxDelayMs: options?.maxDelayMs ?? 30_000,
    factor: options?.factor ?? 2,
    maxRetries: options?.maxRetries ?? Infinity,
    jitter: options?.jitter ?? 0.1,
  };
}

/** The delay before retry number `attempt` (0-based): exponential, capped, with ± jitter. */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** attempt);
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}
