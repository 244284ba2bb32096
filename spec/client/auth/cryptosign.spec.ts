import { cryptosignAuth, cryptosignPublicKey } from '../../../src/client/auth/cryptosign.js';
import { CRYPTOSIGN_VECTORS } from '../../auth/vectors.js';

describe('cryptosignAuth', () => {
  const plain = CRYPTOSIGN_VECTORS.filter((v) => v.channelId === null);
  const bound = CRYPTOSIGN_VECTORS.filter((v) => v.channelId !== null);

  it('announces its public key in HELLO.authextra', () => {
    const v = plain[0]!;
    const method = cryptosignAuth(v.privateKey);
    expect(method.method).toBe('cryptosign');
    expect(method.helloExtra!()).toEqual({ pubkey: cryptosignPublicKey(v.privateKey) });
    expect(cryptosignPublicKey(v.privateKey)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers the specification test vectors (no channel binding)', async () => {
    for (const v of plain) {
      const response = await cryptosignAuth(v.privateKey).respond({ challenge: v.challenge, channel_binding: null });
      expect(response.signature).toBe(v.signature);
    }
  });

  it('answers the channel-bound test vectors when given the channel id', async () => {
    for (const v of bound) {
      const method = cryptosignAuth(v.privateKey, { channelBinding: { type: 'tls-unique', channelId: v.channelId! } });
      expect(method.helloExtra!()['channel_binding']).toBe('tls-unique');
      const response = await method.respond({ challenge: v.challenge, channel_binding: 'tls-unique' });
      expect(response.signature).toBe(v.signature);
    }
  });

  it('signs the bare challenge when the router declines the requested channel binding', async () => {
    const v = plain[0]!;
    const method = cryptosignAuth(v.privateKey, { channelBinding: { type: 'tls-unique', channelId: bound[0]!.channelId! } });
    expect((await method.respond({ challenge: v.challenge })).signature).toBe(v.signature);
  });

  it('refuses a channel binding it did not ask for, and malformed challenges', async () => {
    const method = cryptosignAuth(plain[0]!.privateKey);
    await expectAsync(method.respond({ challenge: plain[0]!.challenge, channel_binding: 'tls-unique' })).toBeRejected();
    await expectAsync(method.respond({})).toBeRejectedWithError(TypeError);
    await expectAsync(method.respond({ challenge: 'abcd' })).toBeRejectedWithError(TypeError);
  });

  it('throws at once on a malformed private key', () => {
    expect(() => cryptosignAuth('not a key')).toThrowError(TypeError);
  });
});
