import type { RealmLink, SessionInfo } from '../../src/router/cluster.js';
import { createMessage } from '../../src/protocol/message.js';
import { RemoteSession, sessionInfo } from '../../src/router/remote-session.js';

const INFO: SessionInfo = {
  node: 'node-b',
  id: 42,
  authid: 'joe',
  authrole: 'user',
  authmethod: 'ticket',
  authprovider: 'static',
  roles: { callee: { features: { call_canceling: true, progressive_call_results: 'yes' } }, caller: {} },
};

/** The two calls of the link a stand-in makes, recorded; nothing else may be called. */
function fakeLink(): jasmine.SpyObj<RealmLink> {
  return jasmine.createSpyObj<RealmLink>('RealmLink', ['reply', 'kill']);
}

describe('RemoteSession', () => {
  it('takes who it is from the session info', () => {
    const session = new RemoteSession('realm1', INFO, fakeLink());
    expect(sessionInfo('node-b', session)).toEqual(INFO);
    expect(session.realm).toBe('realm1');
    expect(session.open).toBeTrue();
    expect(session.lost).toBeFalse();
  });

  it('supports only the features its roles announce as true', () => {
    const session = new RemoteSession('realm1', INFO, fakeLink());
    expect(session.supports('callee', 'call_canceling')).toBeTrue();
    expect(session.supports('callee', 'progressive_call_results')).toBeFalse();
    expect(session.supports('callee', 'call_timeout')).toBeFalse();
    expect(session.supports('caller', 'call_canceling')).toBeFalse();
    expect(session.supports('subscriber', 'call_canceling')).toBeFalse();
  });

  it('sends RESULT and ERROR to its node, and nothing else', () => {
    const link = fakeLink();
    const session = new RemoteSession('realm1', INFO, link);
    const result = createMessage('RESULT', { 'CALL.Request': 7, Details: {}, Arguments: [1] });
    const error = createMessage('ERROR', { 'REQUEST.Type': 48, 'REQUEST.Request': 8, Details: {}, Error: 'wamp.error.canceled' });
    session.send(result);
    session.send(createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {} }));
    session.send(error);
    session.sendFrame();
    expect(link.reply.calls.allArgs()).toEqual([['node-b', 42, result], ['node-b', 42, error]]);
  });

  it('asks its node to end it on abort and on goodbye', () => {
    const link = fakeLink();
    const session = new RemoteSession('realm1', INFO, link);
    session.abort('wamp.close.killed', 'killed by meta API');
    session.goodbye('wamp.close.close_realm');
    expect(link.kill.calls.allArgs()).toEqual([
      ['node-b', 42, 'wamp.close.killed', 'killed by meta API'],
      ['node-b', 42, 'wamp.close.close_realm', undefined],
    ]);
    expect(link.reply).not.toHaveBeenCalled();
  });
});
