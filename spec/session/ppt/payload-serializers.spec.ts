import { encode as msgpackEncode } from '@msgpack/msgpack';
import { encode as cborEncode } from 'cborg';
import { PAYLOAD_SERIALIZERS } from '../../../src/session/ppt/payload-serializers.js';

const { json, msgpack, cbor } = PAYLOAD_SERIALIZERS as Required<typeof PAYLOAD_SERIALIZERS>;

describe('PAYLOAD_SERIALIZERS', () => {
  it('json refuses bytes that are not UTF-8 instead of reading them as U+FFFD', () => {
    // `{"args":["<0xff>"]}`: well-formed JSON around one byte that no UTF-8 text holds.
    const bytes = new Uint8Array([...new TextEncoder().encode('{"args":["'), 0xff, ...new TextEncoder().encode('"]}')]);
    expect(() => json.decode(bytes)).toThrowError(TypeError, 'The encoded data was not valid for encoding utf-8');
    expect(json.decode(new TextEncoder().encode('{"args":["é"]}'))).toEqual({ args: ['é'] });
  });

  it('msgpack and cbor refuse a text payload with a TypeError', () => {
    expect(() => msgpack.decode('{"args":[]}')).toThrowError(TypeError, 'a MessagePack payload must be binary');
    expect(() => cbor.decode('{"args":[]}')).toThrowError(TypeError, 'a CBOR payload must be binary');
  });

  it('msgpack and cbor leave out a key whose value is undefined, as json does (the receiver does not get a null)', () => {
    const content = { args: [1], kwargs: { gone: undefined, kept: 2 } };
    expect(json.encode(content)).toBe('{"args":[1],"kwargs":{"kept":2}}');
    expect(msgpack.encode(content)).toEqual(msgpackEncode({ args: [1], kwargs: { kept: 2 } }));
    expect(msgpack.decode(msgpack.encode(content) as Uint8Array)).toEqual({ args: [1], kwargs: { kept: 2 } });
    expect(cbor.encode(content)).toEqual(cborEncode({ args: [1], kwargs: { kept: 2 } }));
    expect(cbor.decode(cbor.encode(content) as Uint8Array)).toEqual({ args: [1], kwargs: { kept: 2 } });
  });

  it('cbor reads a CBOR undefined (simple value 23) as null, as msgpack reads nil', () => {
    // {"args": [undefined, 1]} as a JavaScript CBOR encoder writes it: a1 64 "args" 82 f7 01.
    const bytes = new Uint8Array([0xa1, 0x64, ...new TextEncoder().encode('args'), 0x82, 0xf7, 0x01]);
    expect(cbor.decode(bytes)).toEqual({ args: [null, 1] });
  });
});
