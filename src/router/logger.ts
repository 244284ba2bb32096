/** Severity of a log line, most to least verbose. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the router writes structured log lines: an event name plus fields, never payloads at info level. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger that writes one JSON object a line to a sink (stderr's console by default) at or above `level`. */
export function jsonLogger(level: LogLevel = 'info', sink: (line: string) => void = (line) => console.error(line)): Logger {
  const threshold = RANK[level];
  return {
    log(lineLevel, event, fields) {
      if (RANK[lineLevel] < threshold) return;
      sink(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, event, ...fields }));
    },
  };
}

/** A logger that drops everything (the default for routers built in code, e.g. in tests). */
export const silentLogger: Logger = { log() {} };
