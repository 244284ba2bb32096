import type { Dict } from '../protocol/dict.js';
import { PatternIndex } from '../protocol/pattern-index.js';
import type { MatchPolicy } from '../protocol/uri.js';

/** One configured event history: which topics it keeps, and how many events at most. */
export interface EventHistoryConfig {
  readonly uri: string;
  /** Defaults to `'exact'`. */
  readonly match?: MatchPolicy;
  /** The most recent events kept. */
  readonly limit: number;
}

/** An event as the history keeps it (what `wamp.subscription.get_events` returns). */
export interface StoredEvent {
  readonly timestamp: string;
  readonly topic: string;
  readonly publication: number;
  readonly args: unknown[];
  readonly kwargs: Dict;
  readonly publisher?: number;
}

interface Buffer {
  readonly limit: number;
  readonly events: StoredEvent[];
}

/**
 * The realm's event history (the Advanced Profile's event_history): for each configured
 * topic pattern, a bounded buffer of the latest events published to matching topics.
 * Written by the broker stage, read by the meta stage.
 */
export class EventHistory {
  readonly #buffers = new PatternIndex<Buffer>();

  constructor(configs: readonly EventHistoryConfig[] = []) {
    for (const config of configs) this.#buffers.set(config.uri, config.match ?? 'exact', { limit: Math.max(1, Math.floor(config.limit)), events: [] });
  }

  /** True when no history is configured: the broker then skips recording altogether. */
  get empty(): boolean {
    return this.#buffers.size === 0;
  }

  /** Keeps an event in every history whose pattern matches its topic. */
  record(event: StoredEvent): void {
    this.#buffers.forEachMatch(event.topic, (buffer) => {
      buffer.events.push(event);
      // Trim in batches so that keeping a long history costs O(1) per event on average.
      if (buffer.events.length >= buffer.limit * 2) buffer.events.splice(0, buffer.events.length - buffer.limit);
    });
  }

  /**
   * How many events the history of exactly this (uri, match) holds in memory now: it trims in
   * batches, so up to twice its limit (for operators and specs; `events()` shows `limit` of them).
   */
  held(uri: string, match: MatchPolicy): number | undefined {
    return this.#buffers.get(uri, match)?.events.length;
  }

  /** The latest `limit` events kept for exactly this (uri, match), oldest first; undefined when none is configured. */
  events(uri: string, match: MatchPolicy, limit?: number): StoredEvent[] | undefined {
    const buffer = this.#buffers.get(uri, match);
    if (buffer === undefined) return undefined;
    const keep = Math.min(buffer.limit, limit ?? buffer.limit);
    return buffer.events.slice(Math.max(0, buffer.events.length - keep));
  }
}
