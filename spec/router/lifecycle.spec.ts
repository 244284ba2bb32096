import { from as rxFrom, map } from 'rxjs';
import { lifecycle } from '../../src/router/lifecycle.js';
import type { Logger } from '../../src/router/logger.js';
import { silentLogger } from '../../src/router/logger.js';
import type { Routed } from '../../src/router/routed.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';
import { ConfigError, parseRouterConfig } from '../../src/node/router-config.js';
import { Router } from '../../src/router/router.js';
import { ALL_CLIENT_ROLES, RawPeer } from '../support/raw-peer.js';

type ClientRole = keyof typeof ALL_CLIENT_ROLES;

/** Every client role but `missing`, as announced in HELLO. */
function rolesWithout(missing: ClientRole): Record<string, unknown> {
  const roles: Record<string, unknown> = { ...ALL_CLIENT_ROLES };
  delete roles[missing];
  return roles;
}

/** A message of each role, in array form: what a session that did not announce the role may not send. */
const MESSAGES_BY_ROLE: Array<[ClientRole, string, unknown[]]> = [
  ['publisher', 'PUBLISH', [16, 1, { acknowledge: true }, 'com.example.topic']],
  ['subscriber', 'SUBSCRIBE', [32, 1, {}, 'com.example.topic']],
  ['subscriber', 'UNSUBSCRIBE', [34, 1, 5]],
  ['caller', 'CALL', [48, 1, {}, 'com.example.add']],
  ['caller', 'CANCEL', [49, 1, {}]],
  ['callee', 'REGISTER', [64, 1, {}, 'com.example.add']],
  ['callee', 'UNREGISTER', [66, 1, 5]],
  ['callee', 'YIELD', [70, 1, {}]],
  ['callee', 'ERROR', [8, 68, 1, {}, 'com.example.error']],
];

describe('lifecycle stage: strictPeerRoles', () => {
  describe('on (realms[].strictPeerRoles: true)', () => {
    let router: Router;
    beforeEach(() => (router = new Router({ realms: [{ name: 'realm1', strictPeerRoles: true }] })));
    afterEach(async () => router.close());

    for (const [role, name, message] of MESSAGES_BY_ROLE) {
      it(`ABORTs a session that sends ${name} without announcing the ${role} role`, async () => {
        const peer = new RawPeer(router);
        await peer.join('realm1', { roles: rolesWithout(role) });
        peer.send(...message);
        const abort = await peer.nextOf([3, 8, 17, 33, 35, 50, 65, 67]);
        expect(abort[0]).toBe(3);
        expect(abort[2]).toBe('wamp.error.protocol_violation');
        expect((abort[1] as Record<string, string>)['message']).toBe(
          `${name} needs the ${role} role, which the session did not announce in HELLO (the realm has strictPeerRoles on)`,
        );
        await peer.whenClosed();
        expect(router.sessionCount).toBe(0);
      });
    }

    it('serves a session the roles it announced, and only those', async () => {
      const subscriber = new RawPeer(router);
      await subscriber.join('realm1', { roles: { subscriber: {} } });
      const publisher = new RawPeer(router);
      await publisher.join('realm1', { roles: { publisher: {} } });
      subscriber.send(32, 1, {}, 'com.example.topic');
      const subscribed = await subscriber.next(33);
      publisher.send(16, 1, { acknowledge: true }, 'com.example.topic', ['hi']);
      expect((await publisher.next(17))[1]).toBe(1);
      const event = await subscriber.next(36);
      expect(event[1]).toBe(subscribed[2]);
      expect(event[4]).toEqual(['hi']);
      publisher.send(32, 2, {}, 'com.example.topic');
      expect((await publisher.nextOf([3, 33]))[0]).toBe(3);
      expect(router.sessionCount).toBe(1);
    });
  });

  describe('off (the default)', () => {
    let router: Router;
    beforeEach(() => (router = new Router({ realms: [{ name: 'realm1' }] })));
    afterEach(async () => router.close());

    it('lets a session use roles it did not announce', async () => {
      const peer = new RawPeer(router);
      await peer.join('realm1', { roles: { subscriber: {} } });
      peer.send(64, 1, {}, 'com.example.add');
      const registered = await peer.nextOf([3, 65]);
      expect(registered[0]).toBe(65);
      peer.send(48, 2, {}, 'com.example.add', [2, 3]);
      const invocation = await peer.nextOf([3, 68]);
      expect(invocation[0]).toBe(68);
      peer.send(70, invocation[1], {}, [5]);
      expect((await peer.nextOf([3, 50]))).toEqual([50, 2, {}, [5]]);
      peer.send(16, 3, { acknowledge: true }, 'com.example.topic');
      expect((await peer.nextOf([3, 17]))[0]).toBe(17);
    });
  });

  it('is a boolean in the config file', () => {
    expect(parseRouterConfig({ realms: [{ name: 'realm1', strictPeerRoles: true }] }).realms![0]!.strictPeerRoles).toBeTrue();
    expect(() => parseRouterConfig({ realms: [{ name: 'realm1', strictPeerRoles: 'yes' }] })).toThrowMatching(
      (e) => e instanceof ConfigError && e.message === 'realms[0].strictPeerRoles must be true or false',
    );

  });
});

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
