import { Observable } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { WampErrors } from '../protocol/errors.js';
import type { Logger } from './logger.js';
import type { Routed } from './routed.js';

/** Sends a Routed on to the next stage. */
export type Emit = (routed: Routed) => void;

/** The state and behaviour of one stage, created anew for each subscription to the pipeline. */
export interface StageLogic {
  /** Consumes what the stage owns (emitting replies), and emits the rest unchanged. */
  handle(routed: Routed): void;
  /** Releases timers and state when the pipeline is torn down. */
  teardown?(): void;
}

/**
 * Builds a pipeline stage: an operator `Observable<Routed> => Observable<Routed>` whose
 * state lives in the closure `create` returns. A failure inside the stage while handling
 * a session's message ends that session with ABORT instead of erroring the realm's
 * pipeline, so that one bad message can never stop the realm for everyone else.
 */
export function stage(name: string, logger: Logger, create: (emit: Emit) => StageLogic): MonoTypeOperatorFunction<Routed> {
  return (source) =>
    new Observable<Routed>((subscriber) => {
      const emit: Emit = (routed) => subscriber.next(routed);
      const logic = create(emit);
      const subscription = source.subscribe({
        next(routed) {
          try {
            logic.handle(routed);
          } catch (error) {
            logger.log('error', 'stage_failure', { stage: name, kind: routed.kind, error: error instanceof Error ? error.message : String(error) });
            if (routed.kind === 'in') routed.session.abort(WampErrors.runtimeError, `internal router error in ${name}`);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        logic.teardown?.();
      };
    });
}
