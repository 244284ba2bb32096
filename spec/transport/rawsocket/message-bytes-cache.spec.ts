import { FakeDuplex } from './fake-duplex.js';
import { messageChunks, messagePayload } from '../../../src/transport/rawsocket/message-bytes.js';
import { rawSocketTransport } from '../../../src/transport/rawsocket/transport.js';

describe('RawSocket message bytes: the one-entry cache', () => {
  it('frames the payload it is given, not the one messagePayload returned last', () => {
    const last = messagePayload(Uint8Array.of(1, 1));
    const other = Uint8Array.of(2);
    expect(messageChunks(other).map((c) => Array.from(c))).toEqual([[0, 0, 0, 1, 2]]);
    // Framing another payload must not be remembered for the last one.
    expect(messageChunks(last).map((c) => Array.from(c))).toEqual([[0, 0, 0, 2, 1, 1]]);
    // Once the last payload's chunks are cached, another payload still gets its own.
    expect(messageChunks(other).map((c) => Array.from(c))).toEqual([[0, 0, 0, 1, 2]]);
  });

  it('copies a message of exactly 65536 octets behind its prefix (one write)', () => {
    const duplex = new FakeDuplex();
    rawSocketTransport(duplex, { serializerId: 2, maxIncomingMessageSize: 1 << 20, maxOutgoingMessageSize: 1 << 20 }).outgoing.next(new Uint8Array(65536));
    expect(duplex.written.map((w) => w.length)).toEqual([65540]);
  });

  it('keeps sharing a frame between microtasks of the same task, whatever was sent before', async () => {
    const payloads: Uint8Array[] = [];
    messagePayload('["a"]'); // schedules the drop
    // Runs after that drop: "c" is cached anew and must stay cached for the next microtask.
    queueMicrotask(() => payloads.push(messagePayload('["c"]')));
    messagePayload('["b"]'); // a second message in the task schedules no second drop
    const later = new Promise<void>((resolve) => {
      queueMicrotask(() => {
        payloads.push(messagePayload('["c"]'));
        resolve();
      });
    });
    await later;
    expect(payloads[1]).toBe(payloads[0]!);
  });
});
