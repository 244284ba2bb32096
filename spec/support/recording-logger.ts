import type { Logger, LogLevel } from '../../src/router/logger.js';

/** One line a router logged. */
export interface LoggedLine {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

/**
 * A router logger that keeps every line, so specs can check why something happened and
 * await a log event instead of polling the router's state.
 */
export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];
  readonly #waiters: Array<{ test: (line: LoggedLine) => boolean; resolve: (line: LoggedLine) => void }> = [];

  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    const line = { level, event, fields };
    this.lines.push(line);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.test(line)) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }

  /** The lines logged as `event`. */
  named(event: string): LoggedLine[] {
    return this.lines.filter((l) => l.event === event);
  }

  /**
   * Resolves with the first line logged as `event` (and passing `test`), already or later.
   * The router logs before it finishes the step; a continuation of the returned promise runs
   * after that step, so the router's state already reflects it.
   */
  next(event: string, test: (fields: Record<string, unknown>) => boolean = () => true): Promise<LoggedLine> {
    const matches = (line: LoggedLine): boolean => line.event === event && test(line.fields);
    const seen = this.lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test: matches, resolve }));
  }
}
