import { Subject } from 'rxjs';
import type { Routed } from '../../src/router/routed.js';
import { stage } from '../../src/router/stage.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { StageSession, from } from '../support/stage-harness.js';

describe('stage', () => {
  it('aborts the session whose message the stage failed on, and goes on with the next one', () => {
    const logger = new RecordingLogger();
    const source = new Subject<Routed>();
    const seen: Routed[] = [];
    source.pipe(stage('broker', logger, (emit) => ({
      handle(routed) {
        if (routed.kind === 'in' && routed.message.name === 'PUBLISH') throw new Error('boom');
        emit(routed);
      },
    }))).subscribe((routed) => seen.push(routed));
    const a = new StageSession('a', 1);
    const failing = from(a, 'PUBLISH', { Request: 1, Options: {}, Topic: 'x.y' });
    const next = from(a, 'SUBSCRIBE', { Request: 2, Options: {}, Topic: 'x.y' });
    source.next(failing);
    source.next(next);
    expect(a.direct).toEqual(['ABORT wamp.error.runtime_error']);
    expect(a.explanations).toEqual(['internal router error in broker']);
    expect(logger.named('stage_failure').map((l) => l.fields)).toEqual([{ stage: 'broker', kind: 'in', error: 'boom' }]);
    expect(seen).toEqual([next]);
  });

  it('passes on the end of its source, error or completion, and tears its logic down', () => {
    const teardown = jasmine.createSpy('teardown');
    const make = () => stage('dealer', new RecordingLogger(), (emit) => ({ handle: emit, teardown }));
    const failed = new Subject<Routed>();
    const errors: unknown[] = [];
    failed.pipe(make()).subscribe({ error: (e: unknown) => errors.push(e) });
    const reason = new Error('transport gone');
    failed.error(reason);
    expect(errors).toEqual([reason]);

    const completed = new Subject<Routed>();
    let done = false;
    completed.pipe(make()).subscribe({ complete: () => (done = true) });
    completed.complete();
    expect(done).toBeTrue();
    expect(teardown).toHaveBeenCalledTimes(2);
  });
});
