import {
  createWampcraChallenge,
  deriveWampcraKey,
  signWampcra,
  verifyWampcra,
} from '../../src/auth/wampcra.js';
import { autobahnCra } from './interop.js';
import { WAMPCRA_VECTORS as V } from './vectors.js';

describe('WAMP-CRA primitives', () => {
  it('signs as Autobahn does (base64 HMAC-SHA256)', async () => {
    expect(await signWampcra(V.secret, V.challenge)).toBe(V.signature);
  });

  it('derives the salted key as Autobahn does (PBKDF2-SHA256, 1000 iterations, 32 bytes)', async () => {
    expect(await deriveWampcraKey(V.secret, V.salt)).toBe(V.derivedKey);
    expect(await deriveWampcraKey(V.secret, V.salt, 1000, 32)).toBe(V.derivedKey);
  });

  it('agrees with Autobahn|JS for other iterations, key lengths and non-ASCII text', async () => {
    for (const [secret, salt, iterations, keylen] of [
      ['secret1', 'salt123', 100, 32],
      ['pässwörd', 'sälz', 7, 16],
      ['x', 'y', 1, 64],
    ] as const) {
      expect(await deriveWampcraKey(secret, salt, iterations, keylen))
        .withContext(`${secret}/${salt}/${iterations}/${keylen}`)
        .toBe(autobahnCra.derive_key(secret, salt, iterations, keylen));
    }
    const challenge = createWampcraChallenge({ authid: 'jörg', authrole: 'user', authprovider: 'static', session: 42 });
    expect(await signWampcra('këy', challenge)).toBe(autobahnCra.sign('këy', challenge));
  });

  it('refuses nonsensical PBKDF2 parameters', async () => {
    await expectAsync(deriveWampcraKey('s', 'salt', 0)).toBeRejectedWithError(RangeError);
    await expectAsync(deriveWampcraKey('s', 'salt', 10, 0)).toBeRejectedWithError(RangeError);
    await expectAsync(deriveWampcraKey('s', 'salt', 1.5)).toBeRejectedWithError(RangeError);
  });

  it('builds a challenge with every field the spec requires', () => {
    const text = createWampcraChallenge({
      authid: 'peter',
      authrole: 'user',
      authprovider: 'userdb',
      session: 3251278072152162,
      nonce: 'LHRTC9zeOIrt_9U3',
      timestamp: '2014-06-22T16:36:25.448Z',
    });
    expect(JSON.parse(text)).toEqual({
      authid: 'peter',
      authrole: 'user',
      authmethod: 'wampcra',
      authprovider: 'userdb',
      nonce: 'LHRTC9zeOIrt_9U3',
      timestamp: '2014-06-22T16:36:25.448Z',
      session: 3251278072152162,
    });
  });

  it('fills in a fresh nonce and an ISO 8601 UTC timestamp', () => {
    const a = JSON.parse(createWampcraChallenge({ authid: 'a', authrole: 'r', authprovider: 'p', session: 1 })) as Record<string, string>;
    const b = JSON.parse(createWampcraChallenge({ authid: 'a', authrole: 'r', authprovider: 'p', session: 1 })) as Record<string, string>;
    expect(a['nonce']).not.toBe(b['nonce']);
    expect(a['nonce']!.length).toBeGreaterThanOrEqual(16);
    expect(a['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('verifies a right signature and rejects wrong, truncated or non-base64 ones', async () => {
    expect(await verifyWampcra(V.secret, V.challenge, V.signature)).toBeTrue();
    expect(await verifyWampcra('other', V.challenge, V.signature)).toBeFalse();
    expect(await verifyWampcra(V.secret, '[1, 2, 4]', V.signature)).toBeFalse();
    expect(await verifyWampcra(V.secret, V.challenge, V.signature.slice(0, 40))).toBeFalse();
    expect(await verifyWampcra(V.secret, V.challenge, '')).toBeFalse();
    expect(await verifyWampcra(V.secret, V.challenge, '!!not base64!!')).toBeFalse();
  });
});
