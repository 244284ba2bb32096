import { backoffDelay, reconnectPolicy } from '../../src/client/backoff.js';

describe('backoffDelay', () => {
  const policy = reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 });

  it('grows exponentially up to the maximum (no jitter at the midpoint)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads each delay by ± jitter', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(100);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(300);
  });

  it('fills defaults and turns reconnect: false into no retries', () => {
    expect(reconnectPolicy(undefined)).toEqual({ initialDelayMs: 1000, maxDelayMs: 30000, factor: 2, maxRetries: Infinity, jitter: 0.1 });
    expect(reconnectPolicy(false).maxRetries).toBe(0);
  });
});
