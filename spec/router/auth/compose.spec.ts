import { defer, firstValueFrom, of } from 'rxjs';
import { ticketAuth } from '../../../src/client/auth/ticket.js';
import type { Authenticator, AuthIdentity } from '../../../src/router/auth/authenticator.js';
import { composeAuthenticators } from '../../../src/router/auth/compose.js';
import { authenticatorFromConfig } from '../../../src/router/auth/from-config.js';
import { refuse } from '../../../src/router/auth/refusal.js';
import { runAuthenticator } from '../../../src/router/auth/resolve-outcome.js';
import { handshake, helloRequest, refused } from './handshake.js';

const tokenIdentity: AuthIdentity = { authid: 'svc', authrole: 'service', authmethod: 'ticket', authprovider: 'tokens' };

/** A user authenticator: accepts ticket HELLOs for authid "svc" only, asynchronously. */
const tokens: Authenticator = (request) =>
  defer(async () => {
    if (!request.authmethods.includes('ticket') || request.authid !== 'svc') {
      return refuse('wamp.error.no_matching_auth_method', 'not a token login');
    }
    return {
      method: 'ticket',
      extra: {},
      verify: (signature: string) =>
        Promise.resolve(signature === 'tok-123' ? tokenIdentity : refuse('wamp.error.authentication_failed', 'bad token')),
    };
  });

describe('composeAuthenticators', () => {
  const staticAuth = authenticatorFromConfig({
    anonymous: {},
    ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'frontend' } } },
  });
  const auth = composeAuthenticators(tokens, staticAuth);

  it('lets the first authenticator that takes the HELLO decide', async () => {
    expect((await handshake(auth, [ticketAuth('tok-123')], { authid: 'svc' })).final).toEqual(tokenIdentity);
    expect((await handshake(auth, [ticketAuth('nope')], { authid: 'svc' })).final).toEqual(
      jasmine.objectContaining({ refused: true, reason: 'wamp.error.authentication_failed' }),
    );
  });

  it('falls through to the next one when the first declines', async () => {
    expect((await handshake(auth, [ticketAuth('secret-ticket')], { authid: 'joe' })).final).toEqual(
      jasmine.objectContaining({ authid: 'joe', authrole: 'frontend', authprovider: 'static' }),
    );
  });

  it('does not call later authenticators once one decided', async () => {
    const later = jasmine.createSpy('later').and.returnValue(of(tokenIdentity));
    const composed = composeAuthenticators(staticAuth, later);
    await firstValueFrom(runAuthenticator(composed, helloRequest()));
    expect(later).not.toHaveBeenCalled();
  });

  it('declines when every authenticator declines, and with none at all', async () => {
    const request = helloRequest({ authmethods: ['cryptosign'] });
    const declined = jasmine.objectContaining({ refused: true, reason: 'wamp.error.no_matching_auth_method' });
    expect(await firstValueFrom(runAuthenticator(auth, request))).toEqual(declined);
    expect(await firstValueFrom(runAuthenticator(composeAuthenticators(), request))).toEqual(
      refused('wamp.error.no_matching_auth_method', 'no authenticator accepts the offered authmethods'),
    );
  });

  it('a throwing authenticator refuses instead of failing the stream', async () => {
    const broken: Authenticator = () => { throw new Error('bug'); };
    const outcome = await firstValueFrom(runAuthenticator(composeAuthenticators(broken, staticAuth), helloRequest()));
    expect(outcome).toEqual(jasmine.objectContaining({ refused: true, reason: 'wamp.error.authentication_failed' }));
  });
});
