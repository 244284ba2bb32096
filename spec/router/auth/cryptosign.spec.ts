import { cryptosignKeyPair } from '../../../src/auth/cryptosign.js';
import { toHex } from '../../../src/auth/hex.js';
import type { AuthChallenge, AuthRequest } from '../../../src/router/auth/authenticator.js';
import { cryptosignAuthenticator } from '../../../src/router/auth/cryptosign.js';
import { CRYPTOSIGN_VECTORS } from '../../auth/vectors.js';
import { helloRequest, refused, tlsChannel } from './handshake.js';

const NOT_AUTHORIZED = 'wamp.error.not_authorized';
const AUTHENTICATION_FAILED = 'wamp.error.authentication_failed';
const NEEDS_PUBKEY = refused(NOT_AUTHORIZED, 'cryptosign authentication requires authextra.pubkey (32 bytes, hex)');

describe('the cryptosign auth method (router)', () => {
  const alice = cryptosignKeyPair(CRYPTOSIGN_VECTORS[0]!.privateKey);
  const mallory = cryptosignKeyPair(CRYPTOSIGN_VECTORS[2]!.privateKey);
  const authenticate = cryptosignAuthenticator({ principals: { alice: { authorized_keys: [alice.publicKey], authrole: 'user' } } });
  const hello = (authextra: AuthRequest['authextra'], fields: Partial<AuthRequest> = {}) =>
    authenticate(helloRequest({ authmethods: ['cryptosign'], authextra, ...fields }));

  it('refuses a HELLO without a 32-byte hex pubkey, also one with more or less around a valid key', () => {
    for (const pubkey of [undefined, 42, 'zz', alice.publicKey.slice(2), `${alice.publicKey}00`, `00${alice.publicKey}`, `${alice.publicKey}\n`]) {
      expect(hello(pubkey === undefined ? {} : { pubkey })).withContext(String(pubkey)).toEqual(NEEDS_PUBKEY);
    }
  });

  it('refuses an unknown key and a key of another authid, naming the key in lowercase', () => {
    expect(hello({ pubkey: mallory.publicKey.toUpperCase() })).toEqual(
      refused(NOT_AUTHORIZED, `no principal with public key ${mallory.publicKey} exists`),
    );
    expect(hello({ pubkey: alice.publicKey.toUpperCase() }, { authid: 'bob' })).toEqual(
      refused(NOT_AUTHORIZED, `public key ${alice.publicKey} is not authorized for authid "bob"`),
    );
  });

  it('welcomes an unbound signature with just the pubkey in authextra', async () => {
    for (const channelBinding of [undefined, null]) {
      const challenge = hello(channelBinding === undefined ? { pubkey: alice.publicKey } : { pubkey: alice.publicKey, channel_binding: channelBinding }) as AuthChallenge;
      expect(challenge.method).toBe('cryptosign');
      expect(challenge.extra).toEqual({ challenge: jasmine.stringMatching(/^[0-9a-f]{64}$/), channel_binding: null });
      expect(await challenge.verify(alice.sign(challenge.extra['challenge'] as string), {})).toEqual({
        authid: 'alice',
        authrole: 'user',
        authmethod: 'cryptosign',
        authprovider: 'static',
        authextra: { pubkey: alice.publicKey },
      });
    }
  });

  it('refuses a signature by another key, naming the public key', async () => {
    const challenge = hello({ pubkey: alice.publicKey }) as AuthChallenge;
    expect(await challenge.verify(mallory.sign(challenge.extra['challenge'] as string), {})).toEqual(
      refused(AUTHENTICATION_FAILED, `cryptosign signature is invalid for public key ${alice.publicKey}`),
    );
  });
});

describe('cryptosign channel binding (router)', () => {
  const pair = cryptosignKeyPair(CRYPTOSIGN_VECTORS[1]!.privateKey);
  const authenticate = cryptosignAuthenticator({ principals: { alice: { authorized_keys: [pair.publicKey], authrole: 'user' } } });
  const exporter = new Uint8Array(32).fill(7);
  const other = new Uint8Array(32).fill(9);
  const request = (fields: Partial<AuthRequest>) => helloRequest({ authmethods: ['cryptosign'], ...fields });

  it('binds to the channel id of the requested type and refuses a signature for another channel', async () => {
    const hello = request({ authextra: { pubkey: pair.publicKey, channel_binding: 'tls-exporter' }, tls: tlsChannel(undefined, { 'tls-exporter': exporter }) });
    const wrongChannel = refused(AUTHENTICATION_FAILED, `cryptosign signature is invalid for public key ${pair.publicKey} on this tls-exporter channel`);
    const first = authenticate(hello) as AuthChallenge;
    expect(first.extra['channel_binding']).toBe('tls-exporter');
    expect(await first.verify(pair.sign(first.extra['challenge'] as string, toHex(other)), {})).toEqual(wrongChannel);
    const unbound = authenticate(hello) as AuthChallenge;
    expect(await unbound.verify(pair.sign(unbound.extra['challenge'] as string), {})).toEqual(wrongChannel);
    const right = authenticate(hello) as AuthChallenge;
    const welcome = await right.verify(pair.sign(right.extra['challenge'] as string, toHex(exporter)), {});
    expect(welcome).toEqual(jasmine.objectContaining({ authid: 'alice', authextra: { pubkey: pair.publicKey, channel_binding: 'tls-exporter' } }));
  });

  it('goes on unbound without TLS or when the TLS session cannot give the type; refuses an unknown type', () => {
    const plain = authenticate(request({ authextra: { pubkey: pair.publicKey, channel_binding: 'tls-unique' } })) as AuthChallenge;
    expect(plain.extra['channel_binding']).toBeNull();
    const tls12 = authenticate(request({ authextra: { pubkey: pair.publicKey, channel_binding: 'tls-exporter' }, tls: tlsChannel() })) as AuthChallenge;
    expect(tls12.extra['channel_binding']).toBeNull();
    const unknown = authenticate(request({ authextra: { pubkey: pair.publicKey, channel_binding: 'tls-server-end-point' } }));
    expect(unknown).toEqual(refused(NOT_AUTHORIZED, 'channel_binding "tls-server-end-point" is not supported (tls-exporter, tls-unique)'));
  });
});
