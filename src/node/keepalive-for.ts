import type { Router } from '../router/router.js';
import type { KeepaliveOptions } from '../transport/rawsocket/transport.js';

/**
 * The keepalive of a router's listeners: a silent peer is pinged after half the idle
 * timeout and dropped if the answer takes the other half. None when the timeout is 0.
 */
export function keepaliveFor(router: Router): { keepalive?: KeepaliveOptions } {
  const idle = router.limits.idleTimeoutMs;
  const half = Math.max(1, Math.floor(idle / 2));
  return idle > 0 ? { keepalive: { intervalMs: half, timeoutMs: half } } : {};
}
