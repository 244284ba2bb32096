import { createMessage } from '../../src/protocol/message.js';
import { deliver } from '../../src/router/deliver.js';
import { silentLogger } from '../../src/router/logger.js';
import { CborSerializer } from '../../src/serialization/cbor.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import type { Frame } from '../../src/transport/transport.js';
import { StageSession } from '../support/stage-harness.js';

/** A stage session that records the frames it is handed. */
class Receiver extends StageSession {
  readonly frames: Frame[] = [];
  override sendFrame(frame: Frame): void {
    this.frames.push(frame);
  }
}

describe('deliver stage', () => {
  it('serializes a fanout once per serialization, however many sessions and serializer instances receive it', () => {
    const json = Array.from({ length: 8 }, (_, i) => new Receiver(`j${i}`, i + 1));
    const cbor = Array.from({ length: 3 }, (_, i) => new Receiver(`c${i}`, i + 20));
    for (const r of cbor) Object.defineProperty(r, 'serializer', { value: new CborSerializer() });
    const encodes = { json: 0, cbor: 0 };
    for (const r of [...json, ...cbor]) {
      const s = r.serializer;
      const original = s.encode.bind(s);
      (s as { encode: typeof s.encode }).encode = (m) => {
        encodes[s.id as 'json' | 'cbor']++;
        return original(m);
      };
    }
    expect(json[0]!.serializer).not.toBe(json[1]!.serializer);
    const event = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {}, Arguments: ['x'] });
    deliver(silentLogger).next({ kind: 'fanout', sessions: [...json, ...cbor], except: json[3], message: event });
    expect(encodes).toEqual({ json: 1, cbor: 1 });
    expect(json.map((r) => r.frames.length)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(cbor.every((r) => r.frames.length === 1)).toBeTrue();
    expect(json[0]!.frames[0]).toBe(json[1]!.frames[0]!);
    expect(new JsonSerializer().decode(json[0]!.frames[0]!).toArray()).toEqual([36, 1, 2, {}, ['x']]);
  });

  it('skips sessions that have left', () => {
    const gone = new Receiver('g', 1);
    gone.open = false;
    const here = new Receiver('h', 2);
    const event = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {} });
    deliver(silentLogger).next({ kind: 'fanout', sessions: [gone, here], except: undefined, message: event });
    expect([gone.frames.length, here.frames.length]).toEqual([0, 1]);
  });
});
