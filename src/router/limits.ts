import { encodedSpanOf } from '../protocol/lazy-arguments.js';
import type { EffectiveLimits, RouterLimits } from './config.js';
import { effectiveLimits } from './config.js';

/** The per-session quotas, payload nesting and idle timeout among the {@link RouterLimits}. */
export type SessionLimits = Pick<RouterLimits, 'maxSubscriptionsPerSession' | 'maxRegistrationsPerSession' | 'maxPendingCallsPerSession' | 'maxPayloadDepth' | 'idleTimeoutMs'>;

/** Every limit the router enforces, defaults filled in. */
export type HardeningLimits = EffectiveLimits & Required<SessionLimits>;

/** Router limits as a config may give them (the same as {@link RouterLimits}). */
export type AllRouterLimits = RouterLimits;

/** Fills in the defaults of every limit, the config.ts ones and the {@link SessionLimits}. */
export function hardeningLimits(limits: AllRouterLimits = {}): HardeningLimits {
  return {
    ...effectiveLimits(limits),
    maxSubscriptionsPerSession: limits.maxSubscriptionsPerSession ?? 1_000,
    maxRegistrationsPerSession: limits.maxRegistrationsPerSession ?? 1_000,
    maxPendingCallsPerSession: limits.maxPendingCallsPerSession ?? 1_000,
    maxPayloadDepth: limits.maxPayloadDepth ?? 64,
    idleTimeoutMs: limits.idleTimeoutMs ?? 60_000,
  };
}

/** The URIs a peer gets (in ERROR or ABORT) when it hits a limit; each names its limit. */
export const LimitErrors = {
  maxMessageSize: 'wamp.error.limit_exceeded.max_message_size',
  maxOutboundQueue: 'wamp.error.limit_exceeded.max_outbound_queue',
  maxSessions: 'wamp.error.limit_exceeded.max_sessions',
  maxSessionsPerRealm: 'wamp.error.limit_exceeded.max_sessions_per_realm',
  maxSubscriptionsPerSession: 'wamp.error.limit_exceeded.max_subscriptions_per_session',
  maxRegistrationsPerSession: 'wamp.error.limit_exceeded.max_registrations_per_session',
  maxPendingCallsPerSession: 'wamp.error.limit_exceeded.max_pending_calls_per_session',
  maxPayloadDepth: 'wamp.error.limit_exceeded.max_payload_depth',
  handshakeTimeout: 'wamp.error.limit_exceeded.handshake_timeout',
} as const;

/**
 * Is `value` nested deeper than `maxDepth` arrays and objects? Walks containers only
 * (typed arrays and strings are leaves), stops at the first one too deep, allocates nothing.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  // Arguments still encoded: the serializer measured their depth when it checked them.
  const span = encodedSpanOf(value);
  return span !== undefined ? span.depth > maxDepth : deeperThan(value, maxDepth);
}

function deeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  if (maxDepth <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (deeperThan(value[i], maxDepth - 1)) return true;
    return false;
  }
  const dict = value as Record<string, unknown>;
  for (const key in dict) if (deeperThan(dict[key], maxDepth - 1)) return true;
  return false;
}

/** The size of a frame in octets, without encoding a string when it is clearly below `limit`. */
export function frameOctets(frame: string | Uint8Array, limit: number): number {
  if (typeof frame !== 'string') return frame.length;
  // UTF-8 needs at most 3 octets per UTF-16 unit: measure only when it matters.
  if (frame.length * 3 <= limit) return frame.length;
  return utf8Length(frame);
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
