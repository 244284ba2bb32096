import { from as rxFrom, map } from 'rxjs';
import { lifecycle } from '../../src/router/lifecycle.js';
import type { Logger } from '../../src/router/logger.js';
import { silentLogger } from '../../src/router/logger.js';
import type { Routed } from '../../src/router/routed.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';

/** Runs the Routed through the lifecycle stage and returns the summaries of what it passed on. */
function run(routed: Routed[], logger: Logger = silentLogger): string[] {
  const passed: string[] = [];
  rxFrom(routed).pipe(lifecycle({ logger }), map(summarize)).subscribe((s) => passed.push(s));
  return passed;
}

describe('lifecycle stage', () => {
  let a: StageSession;
  beforeEach(() => {
    a = new StageSession('a', 1);
  });

  it('answers GOODBYE and ends the session on ABORT, passing neither on', () => {
    const b = new StageSession('b', 2);
    const passed = run([from(a, 'GOODBYE', { Details: {}, Reason: 'wamp.close.close_realm' }), from(b, 'ABORT', { Details: {}, Reason: 'wamp.close.bye' })]);
    expect(passed).toEqual([]);
    expect(a.direct).toEqual(['GOODBYE answered']);
    expect(b.direct).toEqual(['END wamp.close.aborted_by_peer']);
  });

  it('aborts a session that sends what only a router may send', () => {
    const b = new StageSession('b', 2);
    const passed = run([
      from(a, 'WELCOME', { Session: 5, Details: {} }),
      from(b, 'EVENT', { Subscription: 1, Publication: 2, Details: {} }),
    ]);
    expect(passed).toEqual([]);
    expect(a.direct).toEqual(['ABORT wamp.error.protocol_violation']);
    expect(a.explanations).toEqual(['WELCOME is not a message a client may send to an established session']);
    expect(b.explanations).toEqual(['EVENT is not a message a client may send to an established session']);
  });

  it('passes on an ERROR for an INVOCATION and aborts an ERROR for anything else', () => {
    const b = new StageSession('b', 2);
    const passed = run([
      from(a, 'ERROR', { 'REQUEST.Type': 68, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.x' }),
      from(b, 'ERROR', { 'REQUEST.Type': 48, 'REQUEST.Request': 1, Details: {}, Error: 'com.error.x' }),
    ]);
    expect(passed).toEqual(['a -> ERROR']);
    expect(a.direct).toEqual([]);
    expect(b.direct).toEqual(['ABORT wamp.error.protocol_violation']);
    expect(b.explanations).toEqual(['a client may send ERROR only for an INVOCATION, not for request type 48']);
  });

  it('drops EVENT_RECEIVED, and passes on the role messages and what is not a message', () => {
    const passed = run([
      from(a, 'EVENT_RECEIVED', { Publication: 7 }),
      from(a, 'PUBLISH', { Request: 1, Options: {}, Topic: 'com.t' }),
      from(a, 'CALL', { Request: 2, Options: {}, Procedure: 'com.p' }),
      { kind: 'joined', session: a },
    ]);
    expect(passed).toEqual(['a -> PUBLISH', 'a -> CALL', 'joined a']);
    expect(a.direct).toEqual([]);
  });

  it('ends with ABORT a session whose message made it fail, logging the stage', () => {
    a.answerGoodbye = () => {
      throw new Error('boom');
    };
    const lines: unknown[] = [];
    run([from(a, 'GOODBYE', { Details: {}, Reason: 'wamp.close.close_realm' })], { log: (_level, event, fields) => lines.push([event, fields]) });
    expect(lines).toEqual([['stage_failure', { stage: 'lifecycle', kind: 'in', error: 'boom' }]]);
    expect(a.direct).toEqual(['ABORT wamp.error.runtime_error']);
  });
});
