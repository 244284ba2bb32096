import { encode as msgpackEncode } from '@msgpack/msgpack';
import { encode as cborEncode } from 'cborg';
import fc from 'fast-check';
import { expectProperty } from '../support/property-check.js';
import { ProtocolViolation } from '../../src/protocol/errors.js';
import { MESSAGE_TABLE } from '../../src/protocol/message-table.js';
import type { WampMessage } from '../../src/protocol/message.js';
import { CborSerializer } from '../../src/serialization/cbor.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { MsgpackSerializer } from '../../src/serialization/msgpack.js';
import type { Serializer } from '../../src/serialization/serializer.js';

const codes = Object.values(MESSAGE_TABLE).map((l) => l.code);

/** A JSON-like value, biased towards what WAMP fields hold. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { maxDepth: 3 },
    fc.integer({ min: -5, max: 2 ** 53 + 5 }),
    fc.constantFrom(0, 1, 2 ** 53, 2 ** 53 + 1, -1, 1.5, Number.MAX_SAFE_INTEGER),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('com.example.topic', 'wamp.error.canceled', '', 'a..b', '\u0000AAEC'),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('acknowledge', 'match', 'exclude', 'roles', 'progress', 'mode', 'x', '_impl'), tie('any'), { maxKeys: 3 }),
  ),
})).any;

/** Something shaped like a WAMP message: a known code, then plausible or random fields. */
const messageLike = fc.tuple(fc.constantFrom(...codes, 7, 99, -1), fc.array(value, { maxLength: 7 })).map(([code, rest]) => [code, ...rest]);

function bytesOf(serializer: Serializer, array: unknown): Uint8Array | string {
  switch (serializer.id) {
    case 'json':
      return JSON.stringify(array, (_k, v: unknown) => (v instanceof Uint8Array ? '\u0000' + btoa(String.fromCharCode(...v)) : v));
    case 'msgpack':
      return msgpackEncode(array);
    case 'cbor':
      return cborEncode(array);
  }
}

/** Flips, drops or inserts bytes: the mutations a broken or hostile peer produces. */
const mutation = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'drop', 'insert', 'truncate'));

function mutate(bytes: Uint8Array, [at, byte, kind]: [number, number, string]): Uint8Array {
  if (bytes.length === 0) return new Uint8Array([byte]);
  const i = at % bytes.length;
  switch (kind) {
    case 'flip':
      return bytes.map((b, j) => (j === i ? b ^ (1 << byte % 8) : b));
    case 'drop':
      return new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
    case 'insert':
      return new Uint8Array([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]);
    default:
      return bytes.subarray(0, i);
  }
}

/** Compare byte strings as plain bytes, whatever Uint8Array subclass a decoder returns. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Each decode yields a valid message that survives a round trip, or a ProtocolViolation: nothing else. */
function check(serializer: Serializer, frame: string | Uint8Array): void {
  let message: WampMessage;
  try {
    message = serializer.decode(frame);
  } catch (e) {
    if (!(e instanceof ProtocolViolation)) throw new Error(`${serializer.id} threw ${String(e)} instead of a ProtocolViolation`);
    return;
  }
  const again = serializer.decode(serializer.encode(message));
  if (again.code !== message.code) throw new Error(`${serializer.id}: round trip changed the code`);
  expect(plain(again.toArray())).toEqual(plain(message.toArray()));
}

describe('decoders under random and mutated input', () => {
  const RUNS = 25_000; // four properties per serializer: 100,000 inputs each

  for (const serializer of [new JsonSerializer(), new MsgpackSerializer(), new CborSerializer()]) {
    describe(serializer.id, () => {
      it('takes random bytes', () => {
        expectProperty(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => check(serializer, bytes)), { numRuns: RUNS });
      });

      it('takes random message-shaped values', () => {
        expectProperty(fc.property(messageLike, (array) => check(serializer, bytesOf(serializer, array))), { numRuns: RUNS });
      });

      it('takes mutated encodings of message-shaped values', () => {
        expectProperty(
          fc.property(messageLike, mutation, (array, m) => {
            const frame = bytesOf(serializer, array);
            const bytes = typeof frame === 'string' ? new TextEncoder().encode(frame) : frame;
            check(serializer, mutate(bytes, m));
          }),
          { numRuns: RUNS },
        );
      });

      it('takes random text', () => {
        expectProperty(fc.property(fc.string({ maxLength: 40 }), (text) => check(serializer, serializer.binary ? new TextEncoder().encode(text) : text)), {
          numRuns: RUNS,
        });
      });
    });
  }
});
