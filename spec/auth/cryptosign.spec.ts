import {
  createCryptosignChallenge,
  cryptosignKeyPair,
  verifyCryptosign,
} from '../../src/auth/cryptosign.js';
import { fromHex, toHex } from '../../src/auth/hex.js';
import { autobahnCryptosign, nacl } from './interop.js';
import { CRYPTOSIGN_VECTORS } from './vectors.js';

describe('WAMP-Cryptosign primitives', () => {
  CRYPTOSIGN_VECTORS.forEach((v, i) => {
    it(`signs specification test vector ${i + 1}${v.channelId ? ' (channel bound)' : ''}`, () => {
      const signature = cryptosignKeyPair(v.privateKey).sign(v.challenge, v.channelId);
      expect(signature).toBe(v.signature);
      expect(signature.length).toBe(192);
    });

    it(`verifies specification test vector ${i + 1}`, () => {
      const { publicKey } = cryptosignKeyPair(v.privateKey);
      expect(verifyCryptosign(publicKey, v.challenge, v.signature, v.channelId)).toBeTrue();
    });
  });

  it('derives the same public key as tweetnacl and signs as Autobahn|JS does', () => {
    for (const v of CRYPTOSIGN_VECTORS.filter((x) => x.channelId === null)) {
      const pkey = nacl.sign.keyPair.fromSeed(fromHex(v.privateKey)!);
      expect(cryptosignKeyPair(v.privateKey).publicKey).toBe(autobahnCryptosign.public_key(pkey));
      expect(autobahnCryptosign.sign_challenge(pkey, { challenge: v.challenge })).toBe(v.signature);
    }
  });

  it('accepts the 64-byte (seed ‖ public key) private key form and upper-case hex', () => {
    const v = CRYPTOSIGN_VECTORS[1]!;
    const pair = cryptosignKeyPair(v.privateKey);
    expect(cryptosignKeyPair(v.privateKey + pair.publicKey).sign(v.challenge)).toBe(v.signature);
    expect(cryptosignKeyPair(v.privateKey.toUpperCase()).publicKey).toBe(pair.publicKey);
  });

  it('throws on a malformed private key, challenge or channel id', () => {
    expect(() => cryptosignKeyPair('abcd')).toThrowError(TypeError);
    expect(() => cryptosignKeyPair('zz'.repeat(32))).toThrowError(TypeError);
    const pair = cryptosignKeyPair(CRYPTOSIGN_VECTORS[0]!.privateKey);
    expect(() => pair.sign('ff'.repeat(31))).toThrowError(TypeError);
    expect(() => pair.sign('ff'.repeat(32), '00')).toThrowError(TypeError);
  });

  it('rejects signatures that are forged, for another challenge, key or channel, or malformed', () => {
    const v = CRYPTOSIGN_VECTORS[0]!;
    const { publicKey } = cryptosignKeyPair(v.privateKey);
    const other = cryptosignKeyPair(CRYPTOSIGN_VECTORS[1]!.privateKey).publicKey;
    const flipped = (v.signature[0] === '0' ? '1' : '0') + v.signature.slice(1);
    expect(verifyCryptosign(publicKey, v.challenge, flipped)).toBeFalse();
    expect(verifyCryptosign(other, v.challenge, v.signature)).toBeFalse();
    expect(verifyCryptosign(publicKey, '00'.repeat(32), v.signature)).toBeFalse();
    expect(verifyCryptosign(publicKey, v.challenge, v.signature, CRYPTOSIGN_VECTORS[3]!.channelId)).toBeFalse();
    expect(verifyCryptosign(publicKey, v.challenge, v.signature.slice(0, 128))).toBeFalse();
    expect(verifyCryptosign(publicKey, v.challenge, v.signature + '00')).toBeFalse();
    expect(verifyCryptosign(publicKey, v.challenge, 'xy'.repeat(96))).toBeFalse();
    expect(verifyCryptosign('00', v.challenge, v.signature)).toBeFalse();
    expect(verifyCryptosign(publicKey, 'nothex', v.signature)).toBeFalse();
  });

  it('rejects a valid signature whose carried message is not the challenge', () => {
    const v = CRYPTOSIGN_VECTORS[0]!;
    const { publicKey } = cryptosignKeyPair(v.privateKey);
    const tampered = v.signature.slice(0, 128) + '00'.repeat(32);
    expect(verifyCryptosign(publicKey, v.challenge, tampered)).toBeFalse();
  });

  it('creates random 32-byte hex challenges', () => {
    const a = createCryptosignChallenge();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(createCryptosignChallenge());
  });

  it('round-trips a fresh challenge through sign and verify', () => {
    const pair = cryptosignKeyPair(toHex(new Uint8Array(32).fill(7)));
    const challenge = createCryptosignChallenge();
    expect(verifyCryptosign(pair.publicKey, challenge, pair.sign(challenge))).toBeTrue();
  });
});
