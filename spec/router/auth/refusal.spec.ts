import { challengeOnce } from '../../../src/router/auth/refusal.js';
import { refused } from './handshake.js';

describe('challengeOnce', () => {
  const welcome = { authid: 'joe', authrole: 'r', authmethod: 'ticket', authprovider: 'static' };

  it('passes the first string answer and its extra to verify', async () => {
    const verify = jasmine.createSpy('verify').and.resolveTo(welcome);
    const challenge = challengeOnce('ticket', { x: 1 }, verify);
    expect(challenge.method).toBe('ticket');
    expect(challenge.extra).toEqual({ x: 1 });
    expect(await challenge.verify('sig', { y: 2 })).toEqual(welcome);
    expect(verify).toHaveBeenCalledOnceWith('sig', { y: 2 });
  });

  it('refuses a second answer without checking it', async () => {
    const verify = jasmine.createSpy('verify').and.resolveTo(welcome);
    const challenge = challengeOnce('wampcra', {}, verify);
    await challenge.verify('sig', {});
    expect(await challenge.verify('sig', {})).toEqual(refused('wamp.error.authentication_failed', 'wampcra challenge already answered'));
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a non-string signature without checking it, and counts it as the answer', async () => {
    const verify = jasmine.createSpy('verify').and.resolveTo(welcome);
    const challenge = challengeOnce('cryptosign', {}, verify);
    expect(await challenge.verify(42 as unknown as string, {})).toEqual(refused('wamp.error.authentication_failed', 'cryptosign signature must be a string'));
    expect(verify).not.toHaveBeenCalled();
    expect(await challenge.verify('sig', {})).toEqual(refused('wamp.error.authentication_failed', 'cryptosign challenge already answered'));
  });
});
