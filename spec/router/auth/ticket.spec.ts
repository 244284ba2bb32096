import type { AuthChallenge } from '../../../src/router/auth/authenticator.js';
import { ticketAuthenticator } from '../../../src/router/auth/ticket.js';
import { helloRequest, refused } from './handshake.js';

describe('the ticket auth method (router)', () => {
  const authenticate = ticketAuthenticator({ principals: { joe: { ticket: 'secret-ticket', authrole: 'frontend' } } });
  const hello = (authid?: string) => authenticate(helloRequest({ authmethods: ['ticket'], authid }));

  it('challenges a known authid with empty extra, then welcomes the right ticket', async () => {
    const challenge = hello('joe') as AuthChallenge;
    expect(challenge.method).toBe('ticket');
    expect(challenge.extra).toEqual({});
    expect(await challenge.verify('secret-ticket', {})).toEqual({ authid: 'joe', authrole: 'frontend', authmethod: 'ticket', authprovider: 'static' });
  });

  it('refuses a missing or unknown authid and a wrong ticket, saying which', async () => {
    expect(hello()).toEqual(refused('wamp.error.not_authorized', 'ticket authentication requires an authid'));
    expect(hello('jim')).toEqual(refused('wamp.error.not_authorized', 'no principal with authid "jim" exists'));
    expect(hello('__proto__')).toEqual(refused('wamp.error.not_authorized', 'no principal with authid "__proto__" exists'));
    const challenge = hello('joe') as AuthChallenge;
    expect(await challenge.verify('wrong', {})).toEqual(refused('wamp.error.authentication_failed', 'invalid ticket for authid "joe"'));
  });
});
