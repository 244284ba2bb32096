import { wampcraAuth } from '../../../src/client/auth/wampcra.js';
import { autobahnCra } from '../../auth/interop.js';
import { WAMPCRA_VECTORS as V } from '../../auth/vectors.js';

describe('wampcraAuth', () => {
  const specChallenge = JSON.stringify({
    nonce: 'LHRTC9zeOIrt_9U3',
    authprovider: 'userdb',
    authid: 'peter',
    timestamp: '2014-06-22T16:36:25.448Z',
    authrole: 'user',
    authmethod: 'wampcra',
    session: 3251278072152162,
  });

  it('signs the challenge with the secret', async () => {
    const method = wampcraAuth(V.secret);
    expect(method.method).toBe('wampcra');
    expect(await method.respond({ challenge: V.challenge })).toEqual({ signature: V.signature });
    expect((await method.respond({ challenge: specChallenge })).signature).toBe(autobahnCra.sign(V.secret, specChallenge));
  });

  it('derives the key first when the challenge carries a salt (defaults 1000 / 32)', async () => {
    const method = wampcraAuth(V.secret);
    const expected = autobahnCra.sign(V.derivedKey, specChallenge);
    expect((await method.respond({ challenge: specChallenge, salt: V.salt })).signature).toBe(expected);
    expect((await method.respond({ challenge: specChallenge, salt: V.salt, iterations: 1000, keylen: 32 })).signature).toBe(expected);
  });

  it('uses the iterations and keylen the router sends', async () => {
    const extra = { challenge: specChallenge, salt: 'salt123', iterations: 100, keylen: 16 };
    const key = autobahnCra.derive_key('secret1', 'salt123', 100, 16);
    expect((await wampcraAuth('secret1').respond(extra)).signature).toBe(autobahnCra.sign(key, specChallenge));
  });

  it('rejects a challenge that is missing or malformed', async () => {
    const method = wampcraAuth('s');
    await expectAsync(method.respond({})).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 42 })).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 'c', salt: 7 })).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 'c', salt: 's', iterations: -1 })).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 'c', salt: 's', keylen: 'x' })).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 'c', salt: 's', iterations: 1e9 })).toBeRejectedWithError(RangeError);
  });
});
