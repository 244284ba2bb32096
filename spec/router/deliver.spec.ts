import { createMessage } from '../../src/protocol/message.js';
import type { WampMessage } from '../../src/protocol/message.js';
import { deliver } from '../../src/router/deliver.js';
import { silentLogger } from '../../src/router/logger.js';
import { RealmStats } from '../../src/router/router-stats.js';
import { CborSerializer } from '../../src/serialization/cbor.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import type { Frame } from '../../src/transport/transport.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { StageSession } from '../support/stage-harness.js';

/** A stage session that records the frames and messages it is handed. */
class Receiver extends StageSession {
  readonly frames: Frame[] = [];
  readonly sent: WampMessage[] = [];
  override sendFrame(frame: Frame): void {
    this.frames.push(frame);
  }
  // Rest parameters: StageSession declares send() without any.
  override send(...message: WampMessage[]): void {
    this.sent.push(...message);
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

  it('sends a message for one session to it, unless it has left', () => {
    const here = new Receiver('h', 1);
    const gone = new Receiver('g', 2);
    gone.open = false;
    const stage = deliver(silentLogger);
    const result = createMessage('RESULT', { 'CALL.Request': 7, Details: {} });
    stage.next({ kind: 'out', session: here, message: result });
    stage.next({ kind: 'out', session: gone, message: result });
    expect(here.sent).toEqual([result]);
    expect([here.frames.length, gone.sent.length, gone.frames.length]).toEqual([0, 0, 0]);
  });

  it('counts each EVENT handed to a receiver as delivered, across fanouts', () => {
    const stats = new RealmStats();
    const stage = deliver(silentLogger, stats);
    const receivers = [1, 2, 3, 4].map((id) => new Receiver(`r${id}`, id));
    receivers[3]!.open = false;
    const event = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {} });
    stage.next({ kind: 'fanout', sessions: receivers, except: receivers[0], message: event });
    expect(stats.delivered).toBe(2);
    stage.next({ kind: 'fanout', sessions: receivers, except: undefined, message: event });
    stage.next({ kind: 'fanout', sessions: [], except: undefined, message: event });
    expect(stats.delivered).toBe(5);
  });

  it('logs and drops an EVENT that a serialization cannot carry, delivering it in the others', () => {
    const logger = new RecordingLogger();
    const stats = new RealmStats();
    const json = new Receiver('j', 1);
    const cbor = new Receiver('c', 2);
    Object.defineProperty(cbor, 'serializer', { value: new CborSerializer() });
    const event = createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {}, Arguments: [2n ** 60n] });
    deliver(logger, stats).next({ kind: 'fanout', sessions: [json, cbor], except: undefined, message: event });
    expect([json.frames.length, cbor.frames.length, stats.delivered]).toEqual([0, 1, 1]);
    expect(logger.lines).toEqual([{ level: 'warn', event: 'encode_failed', fields: { type: 'EVENT', serializer: 'json', error: jasmine.any(String) } }]);
  });

  it('logs an inbound message that no stage handled, and ignores lifecycle notices', () => {
    const logger = new RecordingLogger();
    const session = new Receiver('s', 5);
    const stage = deliver(logger);
    stage.next({ kind: 'in', session, message: createMessage('PUBLISH', { Request: 1, Options: {}, Topic: 'com.t' }) });
    stage.next({ kind: 'joined', session });
    stage.next({ kind: 'left', session, reason: 'wamp.close.normal' });
    stage.next({ kind: 'meta', topic: 'wamp.session.on_join', args: [], session });
    expect(logger.lines).toEqual([{ level: 'debug', event: 'unhandled_message', fields: { session: 5, type: 'PUBLISH' } }]);
    expect([session.sent.length, session.frames.length]).toEqual([0, 0]);
  });

  it('logs a failure of the pipeline, and its completion quietly', () => {
    const logger = new RecordingLogger();
    const stage = deliver(logger);
    stage.error(new Error('stage broke'));
    stage.error('not an Error');
    stage.complete();
    expect(logger.lines).toEqual([
      { level: 'error', event: 'pipeline_failure', fields: { error: 'stage broke' } },
      { level: 'error', event: 'pipeline_failure', fields: { error: 'not an Error' } },
    ]);
  });
});
