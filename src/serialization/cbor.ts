import { Encoder } from 'cbor-x';
import { ProtocolViolation } from '../protocol/errors.js';
import { messageFromArray } from '../protocol/message.js';
import type { WampMessage } from '../protocol/message.js';
import type { Serializer } from './serializer.js';

const UINT32_LIMIT = 0x100000000;

/**
 * cbor-x writes integers beyond 32 bits as floats unless they are BigInts; WAMP peers
 * expect IDs as CBOR integers (major type 0/1). Copies only the containers that change.
 */
function wideIntegersAsBigInt(value: unknown): unknown {
  if (typeof value === 'number') {
    return (value >= UINT32_LIMIT || value < -UINT32_LIMIT) && Number.isInteger(value) && Math.abs(value) <= 2 ** 53 ? BigInt(value) : value;
  }
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = wideIntegersAsBigInt(item);
      if (converted !== item) (copy ??= value.slice())[i] = converted;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const dict = value as Record<string, unknown>;
  for (const key in dict) {
    const item = dict[key];
    const converted = wideIntegersAsBigInt(item);
    if (converted !== item) (copy ??= { ...dict })[key] = converted;
  }
  return copy ?? value;
}

/** The CBOR serialization (`wamp.2.cbor`, RawSocket id 3): RFC 8949, bytes as byte strings. */
export class CborSerializer implements Serializer {
  readonly id = 'cbor' as const;
  readonly subprotocol = 'wamp.2.cbor';
  readonly rawSocketId = 3;
  readonly binary = true;
  // Plain CBOR only: no cbor-x records or shared structures, which other peers cannot read.
  readonly #codec = new Encoder({
    useRecords: false,
    mapsAsObjects: true,
    tagUint8Array: false,
    pack: false,
    structuredClone: false,
    variableMapSize: true,
    // WAMP IDs reach 2^53: read 64-bit integers as numbers, never BigInt.
    int64AsNumber: true,
  } as ConstructorParameters<typeof Encoder>[0]);

  encode(message: WampMessage): Uint8Array {
    return this.#codec.encode(wideIntegersAsBigInt(message.toArray()));
  }

  decode(frame: string | Uint8Array): WampMessage {
    if (typeof frame === 'string') throw new ProtocolViolation('CBOR messages must be binary, got text');
    let value: unknown;
    try {
      value = this.#codec.decode(frame);
    } catch (e) {
      throw new ProtocolViolation(`invalid CBOR: ${e instanceof Error ? e.message : String(e)}`);
    }
    return messageFromArray(value);
  }
}
