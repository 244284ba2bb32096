import { signWampcra } from '../../../src/auth/wampcra.js';
import type { AuthChallenge } from '../../../src/router/auth/authenticator.js';
import { wampcraAuthenticator } from '../../../src/router/auth/wampcra.js';
import { helloRequest, refused } from './handshake.js';

describe('the wampcra auth method (router)', () => {
  const authenticate = wampcraAuthenticator({ users: { peter: { secret: 'secret1', authrole: 'backend' } } });
  const hello = (authid?: string) => authenticate(helloRequest({ authmethods: ['wampcra'], authid }));

  it('welcomes the HMAC of the challenge under the right secret', async () => {
    const challenge = hello('peter') as AuthChallenge;
    expect(challenge.method).toBe('wampcra');
    const signature = await signWampcra('secret1', challenge.extra['challenge'] as string);
    expect(await challenge.verify(signature, {})).toEqual({ authid: 'peter', authrole: 'backend', authmethod: 'wampcra', authprovider: 'static' });
  });

  it('refuses a missing or unknown authid and a wrong signature, saying which', async () => {
    expect(hello()).toEqual(refused('wamp.error.not_authorized', 'WAMP-CRA authentication requires an authid'));
    expect(hello('mary')).toEqual(refused('wamp.error.not_authorized', 'no principal with authid "mary" exists'));
    const challenge = hello('peter') as AuthChallenge;
    const wrong = await signWampcra('secret2', challenge.extra['challenge'] as string);
    expect(await challenge.verify(wrong, {})).toEqual(refused('wamp.error.authentication_failed', 'WAMP-CRA signature is invalid for authid "peter"'));
  });
});
