import { firstValueFrom, NEVER, Observable, of, throwError, toArray } from 'rxjs';
import { WampError } from '../../../src/protocol/errors.js';
import type { AuthChallenge, AuthIdentity, AuthOutcome } from '../../../src/router/auth/authenticator.js';
import { resolveAuthOutcome, runAuthenticator, verifyChallenge } from '../../../src/router/auth/resolve-outcome.js';
import { helloRequest, refused } from './handshake.js';

const alice: AuthIdentity = { authid: 'alice', authrole: 'user', authmethod: 'ticket', authprovider: 'ldap' };

async function all(result: Parameters<typeof resolveAuthOutcome>[0]): Promise<AuthOutcome[]> {
  return firstValueFrom(resolveAuthOutcome(result).pipe(toArray()));
}

describe('resolveAuthOutcome', () => {
  it('passes a value, a Promise or an Observable through as exactly one outcome', async () => {
    expect(await all(alice)).toEqual([alice]);
    expect(await all(Promise.resolve(alice))).toEqual([alice]);
    expect(await all(of(alice, { ...alice, authid: 'second' }))).toEqual([alice]);
  });

  it('is cold: a function result is called only on subscribe', async () => {
    const spy = jasmine.createSpy('authenticate').and.returnValue(alice);
    const outcome$ = resolveAuthOutcome(spy);
    expect(spy).not.toHaveBeenCalled();
    expect(await firstValueFrom(outcome$)).toEqual(alice);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('turns errors, rejections, throws and empty streams into refusals', async () => {
    const failed = refused('wamp.error.authentication_failed', 'authentication failed');
    expect(await all(Promise.reject(new Error('db password is hunter2')))).toEqual([failed]);
    expect(await all(throwError(() => new Error('boom')))).toEqual([failed]);
    expect(await all(() => { throw new Error('sync'); })).toEqual([failed]);
    expect(await all(new Observable<AuthOutcome>((s) => s.complete()))).toEqual([refused('wamp.error.authentication_failed', 'authenticator gave no answer')]);
    const hidden = (await all(Promise.reject(new Error('db password is hunter2'))))[0] as { message: string };
    expect(hidden.message).not.toContain('hunter2');
  });

  it('keeps the URI of a thrown WampError', async () => {
    const [outcome] = await all(Promise.reject(new WampError('com.example.banned', ['go away'])));
    expect(outcome).toEqual({ refused: true, reason: 'com.example.banned', message: 'com.example.banned: go away' });
  });

  it('refuses malformed outcomes from a user authenticator, saying what was wrong', async () => {
    const { authid, authrole, authmethod, authprovider } = alice;
    const verify = () => alice;
    const cases: [unknown, string][] = [
      [null, 'authenticator returned no outcome'],
      [undefined, 'authenticator returned no outcome'],
      [42, 'authenticator returned no outcome'],
      ['yes', 'authenticator returned no outcome'],
      [{ refused: true }, 'authenticator refused without a reason'],
      [{ refused: true, reason: 7 }, 'authenticator refused without a reason'],
      [{ verify }, 'authenticator returned a malformed challenge'],
      [{ verify, method: 'ticket' }, 'authenticator returned a malformed challenge'],
      [{ verify, extra: {} }, 'authenticator returned a malformed challenge'],
      [{}, 'authenticator returned a malformed identity'],
      [{ authrole, authmethod, authprovider }, 'authenticator returned a malformed identity'],
      [{ authid, authmethod, authprovider }, 'authenticator returned a malformed identity'],
      [{ authid, authrole, authprovider }, 'authenticator returned a malformed identity'],
      [{ authid, authrole, authmethod }, 'authenticator returned a malformed identity'],
      [{ ...alice, authextra: [] }, 'authenticator returned a malformed identity'],
    ];
    for (const [bad, message] of cases) {
      const outcomes = await all(bad as AuthOutcome);
      expect(outcomes).withContext(JSON.stringify(bad)).toEqual([refused('wamp.error.authentication_failed', message)]);
    }
    // The well-formed ones pass as they are.
    const challenge: AuthChallenge = { method: 'ticket', extra: {}, verify: () => Promise.resolve(alice) };
    expect(await all(challenge)).toEqual([challenge]);
    expect(await all({ refused: true, reason: 'com.example.no', message: 'no' })).toEqual([refused('com.example.no', 'no')]);
    expect(await all({ ...alice, authextra: { x: 1 } })).toEqual([{ ...alice, authextra: { x: 1 } }]);
  });

  it('unsubscribing before an answer leaves nothing running', () => {
    let tornDown = false;
    const pending = new Observable<AuthOutcome>(() => () => { tornDown = true; });
    resolveAuthOutcome(pending).subscribe().unsubscribe();
    expect(tornDown).toBeTrue();
    resolveAuthOutcome(NEVER).subscribe().unsubscribe();
  });
});

describe('runAuthenticator', () => {
  it('hands the request to the authenticator', async () => {
    const request = helloRequest({ authid: 'alice' });
    const authenticator = jasmine.createSpy('authenticator').and.returnValue(of(alice));
    expect(await firstValueFrom(runAuthenticator(authenticator, request))).toEqual(alice);
    expect(authenticator).toHaveBeenCalledOnceWith(request);
  });
});

describe('verifyChallenge', () => {
  function challenge(verify: AuthChallenge['verify']): AuthChallenge {
    return { method: 'ticket', extra: {}, verify };
  }

  it("passes the signature and AUTHENTICATE.Extra (or {}) to verify", async () => {
    const verify = jasmine.createSpy('verify').and.returnValue(of(alice));
    expect(await firstValueFrom(verifyChallenge(challenge(verify), 'sig', { x: 1 }))).toEqual(alice);
    expect(verify).toHaveBeenCalledWith('sig', { x: 1 });
    await firstValueFrom(verifyChallenge(challenge(verify), 'sig', 'not a dict'));
    expect(verify).toHaveBeenCalledWith('sig', {});
  });

  it('refuses a second challenge round and a failing verify', async () => {
    const again = challenge(() => Promise.resolve(challenge(() => Promise.resolve(alice)) as unknown as AuthIdentity));
    expect(await firstValueFrom(verifyChallenge(again, 's', {}))).toEqual(
      refused('wamp.error.authentication_failed', 'authentication needs more than one round'),
    );
    const failing = challenge(() => Promise.reject(new Error('x')));
    expect(await firstValueFrom(verifyChallenge(failing, 's', {}))).toEqual(refused('wamp.error.authentication_failed', 'authentication failed'));
  });
});
