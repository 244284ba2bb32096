import { ExtData, encode as msgpackEncode } from '@msgpack/msgpack';
import { encode as cborEncode } from 'cborg';
import { generatePayloadKey, xsalsa20poly1305Cipher } from '../../../src/e2ee/xsalsa20poly1305.js';
import { createMessage } from '../../../src/protocol/message.js';
import { PayloadError } from '../../../src/session/ppt/payload-error.js';
import { PayloadPassthru, payloadOf, serializerOf } from '../../../src/session/ppt/payload-passthru.js';
import type { PptMode } from '../../../src/session/ppt/ppt-mode.js';

const NATIVE: PptMode = { ppt_scheme: 'x_test', ppt_serializer: 'native' };
const JSON_MODE: PptMode = { ppt_scheme: 'x_test', ppt_serializer: 'json' };
const CBOR: PptMode = { ppt_scheme: 'x_test', ppt_serializer: 'cbor' };
const MSGPACK: PptMode = { ppt_scheme: 'x_test', ppt_serializer: 'msgpack' };
const E2EE: PptMode = { ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' };

/** The PayloadError `fn` throws (fails the spec when it throws none, or something else). */
function payloadErrorOf(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error('expected a PayloadError, nothing was thrown');
}

/** What `fn` throws. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('nothing was thrown');
}

describe('PayloadPassthru', () => {
  let passthru: PayloadPassthru;
  beforeEach(() => {
    passthru = new PayloadPassthru([xsalsa20poly1305Cipher({ k: generatePayloadKey() })]);
  });

  describe('pack', () => {
    it('packs no args as an empty list and leaves out kwargs when there are none (native: the dictionary itself)', () => {
      const none = passthru.pack(undefined, undefined, NATIVE);
      expect(none).toEqual([{ args: [] }]);
      expect(Object.keys(none[0] as object)).toEqual(['args']);
      const empty = passthru.pack([1], {}, NATIVE);
      expect(empty).toEqual([{ args: [1] }]);
      expect(Object.keys(empty[0] as object)).toEqual(['args']);
      expect(passthru.pack([1], { a: 2 }, NATIVE)).toEqual([{ args: [1], kwargs: { a: 2 } }]);
    });

    it('puts exactly {args} or {args, kwargs} on the wire with json', () => {
      expect(passthru.pack(undefined, undefined, JSON_MODE)).toEqual(['{"args":[]}']);
      expect(passthru.pack([1], {}, JSON_MODE)).toEqual(['{"args":[1]}']);
      expect(passthru.pack(['x'], { y: 1 }, JSON_MODE)).toEqual(['{"args":["x"],"kwargs":{"y":1}}']);
    });

    it('refuses a ppt_serializer it does not know, naming the ones it packs', () => {
      const error = payloadErrorOf(() => passthru.pack([1], undefined, { ppt_scheme: 'mqtt', ppt_serializer: 'mqtt' }));
      expect(error.args).toEqual(["unknown ppt_serializer 'mqtt' (rxwamp packs native, json, msgpack and cbor)"]);
      expect('cause' in error).toBeFalse();
    });

    it('fails with the serializer error as text and cause when the values cannot be serialized', () => {
      const cause = thrownBy(() => JSON.stringify(1n));
      const error = payloadErrorOf(() => passthru.pack([1n], undefined, JSON_MODE));
      expect(error.args).toEqual([`the payload cannot be serialized with json: ${cause.message}`]);
      expect(error.cause).toBeInstanceOf(TypeError);
      expect((error.cause as Error).message).toBe(cause.message);
    });

    it('fails with the cipher error as text and cause, naming the key when there is one, when it cannot encrypt', () => {
      const unknownKey = payloadErrorOf(() => passthru.pack([1], undefined, { ...E2EE, ppt_keyid: 'other' }));
      expect(unknownKey.args).toEqual(["the payload cannot be encrypted with xsalsa20poly1305 and key 'other': the key ring holds no key 'other'"]);
      expect((unknownKey.cause as Error).message).toBe("the key ring holds no key 'other'");
      const { ppt_keyid: _, ...noKey } = E2EE;
      const keyless = payloadErrorOf(() => passthru.pack([1], undefined, noKey));
      expect(keyless.args).toEqual(['the payload cannot be encrypted with xsalsa20poly1305: no ppt_keyid names the key']);
      expect((keyless.cause as Error).message).toBe('no ppt_keyid names the key');
    });
  });

  describe('unpack', () => {
    it('refuses an encrypted payload that is not bytes', () => {
      const error = payloadErrorOf(() => passthru.unpack('{"args":[]}', E2EE));
      expect(error.args).toEqual(['an encrypted (xsalsa20poly1305) payload must be binary']);
    });

    it('fails with the cipher error as text and cause when it cannot decrypt', () => {
      const sealed = passthru.pack([1], undefined, E2EE)[0] as Uint8Array;
      sealed[30]! ^= 1;
      const error = payloadErrorOf(() => passthru.unpack(sealed, E2EE));
      expect(error.args).toEqual(["the payload cannot be decrypted with xsalsa20poly1305 and key 'k': authentication failed: wrong key or tampered ciphertext"]);
      expect((error.cause as Error).message).toBe('authentication failed: wrong key or tampered ciphertext');
    });

    it('refuses a byte-serialized payload that is neither bytes nor text', () => {
      expect(payloadErrorOf(() => passthru.unpack(42, JSON_MODE)).args).toEqual(['a json payload must be binary']);
      expect(payloadErrorOf(() => passthru.unpack({ args: [] }, CBOR)).args).toEqual(['a cbor payload must be binary']);
    });

    it('fails with the decoder error as text and cause on malformed bytes', () => {
      const error = payloadErrorOf(() => passthru.unpack('{"args":', JSON_MODE));
      const cause = thrownBy(() => JSON.parse('{"args":'));
      expect(error.args).toEqual([`the payload is not valid json: ${cause.message}`]);
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect((error.cause as Error).message).toBe(cause.message);
    });

    it('refuses a payload that does not hold a dictionary', () => {
      const text = 'the payload must hold a dictionary of args and kwargs';
      expect(payloadErrorOf(() => passthru.unpack([1, 2], NATIVE)).args).toEqual([text]);
      expect(payloadErrorOf(() => passthru.unpack('[1,2]', JSON_MODE)).args).toEqual([text]);
    });

    it('reads a left-out or non-dictionary half as empty: args [] and kwargs {}', () => {
      expect(passthru.unpack({ kwargs: { a: 1 } }, NATIVE)).toEqual({ args: [], kwargs: { a: 1 } });
      expect(passthru.unpack({ args: 'x', kwargs: { a: 1 } }, NATIVE)).toEqual({ args: [], kwargs: { a: 1 } });
      for (const kwargs of [undefined, null, [1], 'x', 7, new Uint8Array([1])]) {
        expect(passthru.unpack({ args: [1], kwargs }, NATIVE)).withContext(String(kwargs)).toEqual({ args: [1], kwargs: {} });
      }
    });

    it('reads kwargs that are a decoder object, not plain data, as empty; a dictionary without prototype is data', () => {
      // Some MessagePack encoders (notepack) write undefined as the extension fixext 1 type 0.
      const ext = msgpackEncode({ args: [1], kwargs: new ExtData(0, new Uint8Array([0])) });
      expect(passthru.unpack(ext, MSGPACK)).toEqual({ args: [1], kwargs: {} });
      expect(passthru.unpack({ args: [1], kwargs: new Date(0) }, NATIVE)).toEqual({ args: [1], kwargs: {} });
      const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
      const unpacked = passthru.unpack({ args: [], kwargs: bare }, NATIVE);
      expect(unpacked.kwargs).toBe(bare);
      expect(unpacked.kwargs['a']).toBe(1);
    });

    it('reads a mode without ppt_serializer as native, or as cbor when it names a cipher', () => {
      expect(passthru.unpack({ args: [1], kwargs: { a: 2 } }, { ppt_scheme: 'x_test' })).toEqual({ args: [1], kwargs: { a: 2 } });
      const sealed = passthru.pack([1], { a: 2 }, E2EE)[0];
      const { ppt_serializer: _, ...cipherOnly } = E2EE;
      expect(passthru.unpack(sealed, cipherOnly)).toEqual({ args: [1], kwargs: { a: 2 } });
      expect(serializerOf({ ppt_scheme: 'x_test' })).toBe('native');
      expect(serializerOf(cipherOnly)).toBe('cbor');
      expect(serializerOf({ ppt_scheme: 'x_test', ppt_serializer: 'json' })).toBe('json');
    });
  });

  describe('canPack', () => {
    it('can pack native and the three byte serializers, not an unknown one, and a cipher only when it is configured', () => {
      expect(passthru.canPack(NATIVE)).toBeTrue();
      for (const mode of [JSON_MODE, CBOR, MSGPACK, E2EE]) expect(passthru.canPack(mode)).withContext(String(mode.ppt_serializer)).toBeTrue();
      expect(passthru.canPack({ ppt_scheme: 'mqtt', ppt_serializer: 'mqtt' })).toBeFalse();
      expect(passthru.canPack({ ...E2EE, ppt_cipher: 'x_other' })).toBeFalse();
      expect(new PayloadPassthru().canPack(E2EE)).toBeFalse();
    });
  });
});

describe('payloadOf', () => {
  const passthru = new PayloadPassthru();

  it('gives args and kwargs as they are without ppt_scheme', () => {
    const event = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {}, Arguments: [{ args: [9] }], ArgumentsKw: { a: 1 } });
    expect(payloadOf(passthru, event)).toEqual({ args: [{ args: [9] }], kwargs: { a: 1 } });
  });

  it('unpacks the single Arguments item, or the payload a peer sent in place of Arguments', () => {
    const details = { ppt_scheme: 'x_test', ppt_serializer: 'json' };
    const listed = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: details, Arguments: ['{"args":[1],"kwargs":{"a":2}}'] });
    expect(payloadOf(passthru, listed)).toEqual({ args: [1], kwargs: { a: 2 } });
    const bare = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: details }, '{"args":[3]}');
    expect(payloadOf(passthru, bare)).toEqual({ args: [3], kwargs: {} });
    const bytes = createMessage('RESULT', { 'CALL.Request': 1, Details: { ppt_scheme: 'x_test', ppt_serializer: 'cbor' } }, cborEncode({ args: [4] }));
    expect(payloadOf(passthru, bytes)).toEqual({ args: [4], kwargs: {} });
  });
});
