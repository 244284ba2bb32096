/**
 * The child side of the orchestrator's protocol, for load generators (each in its own
 * process): read the JSON config from argv, report `ready`, start on `run`, count over
 * a `measure` window and report the result, exit on `stop` or when the parent goes.
 */

/** What a generator reports at the end of a measurement window. */
export interface WindowResult {
  readonly count: number;
  readonly seconds: number;
  /** Round-trip latencies in microseconds, when the generator measures them. */
  readonly latenciesUs?: number[];
  readonly [extra: string]: unknown;
}

/** A load generator's hooks. */
export interface Generator {
  /** Starts sending load (passive generators, such as a callee, do nothing). */
  run?(): void;
  /** Resets the counters at the start of the window. */
  reset(): void;
  /** The counters at the end of the window. */
  collect(seconds: number): WindowResult;
}

/** The config the orchestrator passed as argv[2]. */
export function generatorConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Hooks a generator to the orchestrator's messages and reports `ready`. */
export function serveGenerator(generator: Generator): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const message = raw as { type: string; durationMs?: number };
    switch (message.type) {
      case 'run':
        generator.run?.();
        return;
      case 'measure': {
        generator.reset();
        const started = process.hrtime.bigint();
        setTimeout(() => {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          process.send!({ type: 'result', result: generator.collect(seconds) });
        }, message.durationMs);
        return;
      }
      case 'stop':
        process.exit(0);
    }
  });
  process.send!({ type: 'ready' });
}

/** Reports a fatal setup failure to the orchestrator and exits. */
export function failGenerator(error: unknown): never {
  process.send?.({ type: 'error', error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
}
