import { anonymousAuth } from '../../../src/client/auth/anonymous.js';

describe('anonymousAuth', () => {
  it('announces anonymous and refuses to answer a challenge', async () => {
    const method = anonymousAuth();
    expect(method.method).toBe('anonymous');
    await expectAsync(method.respond({})).toBeRejected();
  });
});
