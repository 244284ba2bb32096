import { catchError, map, NEVER, of, Subject, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { encodeFrame } from '../../../src/transport/rawsocket/framing.js';
import { rawSocketTransport, subprotocolForSerializerId } from '../../../src/transport/rawsocket/transport.js';
import type { RawSocketTransportOptions } from '../../../src/transport/rawsocket/transport.js';
import type { Frame, Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { bytes, FakeDuplex } from './fake-duplex.js';

const base: RawSocketTransportOptions = { serializerId: 1, maxIncomingMessageSize: 1024, maxOutgoingMessageSize: 512 };

/** Counts end() calls: a duplex is ended once. */
class CountingDuplex extends FakeDuplex {
  ends = 0;
  override end(): void {
    this.ends += 1;
    super.end();
  }
}

/** incoming$ as octet arrays, with an error turned into `code: message`. */
function observe(transport: Transport) {
  return transport.incoming$.pipe(
    map((f: Frame) => (typeof f === 'string' ? f : Array.from(f))),
    catchError((e: unknown) => of(e instanceof TransportError ? `${e.code}: ${e.message}` : 'error:?')),
  );
}

/** The error incoming$ ends with (undefined while it has not errored). */
function failureOf(transport: Transport): { error?: TransportError } {
  const seen: { error?: TransportError } = {};
  transport.incoming$.subscribe({ error: (e: TransportError) => (seen.error = e) });
  return seen;
}

describe('rawSocketTransport: error texts, causes and what happens after closing', () => {
  it('names an unknown serializer id wamp.2.rawsocket-serializer-<id>', () => {
    expect(subprotocolForSerializerId(9)).toBe('wamp.2.rawsocket-serializer-9');
    expect(rawSocketTransport(new FakeDuplex(), { ...base, serializerId: 9 }).protocol).toBe('wamp.2.rawsocket-serializer-9');
  });

  it('a network failure names the peer and the reason, with the error as cause', () => {
    const data = new Subject<Uint8Array>();
    const failure = failureOf(rawSocketTransport(new FakeDuplex(data), base));
    const reset = new Error('ECONNRESET');
    data.error(reset);
    expect(failure.error!.code).toBe('network');
    expect(failure.error!.message).toBe('connection to fake-peer failed: ECONNRESET');
    expect(failure.error!.cause).toBe(reset);
  });

  it('a framing failure names the peer, with the FramingError as cause', () => {
    const data = new Subject<Uint8Array>();
    const failure = failureOf(rawSocketTransport(new FakeDuplex(data), base));
    data.next(Uint8Array.of(0x03, 0, 0, 0));
    expect(failure.error!.code).toBe('framing');
    expect(failure.error!.message).toBe('RawSocket frame type 3 is reserved (from fake-peer)');
    expect((failure.error!.cause as Error).name).toBe('FramingError');
  });

  it('a slow peer failure says how much is queued and the mark, and has no cause', () => {
    const duplex = new FakeDuplex();
    const transport = rawSocketTransport(duplex, { ...base, highWaterMark: 100 });
    const failure = failureOf(transport);
    duplex.bufferedAmount = 150;
    transport.outgoing.next(bytes(1));
    expect(failure.error!.code).toBe('slow_peer');
    expect(failure.error!.message).toBe('fake-peer is not reading: 150 bytes queued, over the high-water mark of 100');
    // No `cause: undefined` property either: Node prints it when the error is logged.
    expect(Object.hasOwn(failure.error!, 'cause')).toBeFalse();
  });

  it('a peer ending in the middle of a frame fails with closed, naming the peer', () => {
    const data = new Subject<Uint8Array>();
    const failure = failureOf(rawSocketTransport(new FakeDuplex(data), base));
    data.next(Uint8Array.of(0, 0, 0, 9, 1));
    data.complete();
    expect(failure.error!.code).toBe('closed');
    expect(failure.error!.message).toBe('fake-peer closed the connection in the middle of a frame');
  });

  it('does not subscribe to the duplex when the bytes that came with the handshake already failed it', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const transport = rawSocketTransport(duplex, { ...base, initialBytes: Uint8Array.of(0x03, 0, 0, 0) });
    expect(failureOf(transport).error!.code).toBe('framing');
    expect(duplex.destroyed).toBeTrue();
    expect(data.observed).toBeFalse();
  });

  it('after a clean close: a PING is not answered, a stream error or a cut frame does not abort', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const transport = rawSocketTransport(duplex, base);
    data.next(Uint8Array.of(0, 0, 0, 9, 1)); // the start of a frame
    transport.outgoing.complete();
    expect(duplex.ended).toBeTrue();
    // Still read (to see the peer's end), but a closed transport writes nothing more.
    data.next(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 1, 5));
    expect(duplex.written).toEqual([]);
    data.complete(); // in the middle of a frame: not a failure once closed
    expect(duplex.destroyed).toBeFalse();
  });

  it('a PING in the same chunk as a message that made the application close is not answered', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const transport = rawSocketTransport(duplex, base);
    // The application closes synchronously on the first message; the PING behind it is read after.
    transport.incoming$.subscribe(() => transport.outgoing.complete());
    data.next(new Uint8Array([...encodeFrame(0, bytes(1)), ...encodeFrame(1, bytes(7))]));
    expect(duplex.ended).toBeTrue();
    expect(duplex.written).toEqual([]);
  });

  it('ends the duplex once when the peer ends after a clean close', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new CountingDuplex(data);
    const transport = rawSocketTransport(duplex, base);
    transport.outgoing.complete();
    data.complete();
    expect(duplex.ends).toBe(1);
    expect(duplex.destroyed).toBeFalse();
  });

  it('after a clean close, an error on the byte stream does not destroy the duplex', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const transport = rawSocketTransport(duplex, base);
    transport.outgoing.complete();
    data.error(new Error('ECONNRESET'));
    expect(duplex.destroyed).toBeFalse();
  });

  it('after a clean close, outgoing.error() does not destroy the duplex', () => {
    const duplex = new FakeDuplex();
    const transport = rawSocketTransport(duplex, base);
    transport.outgoing.complete();
    transport.outgoing.error(new Error('late'));
    expect(duplex.destroyed).toBeFalse();
  });

  it('after a failure, outgoing.complete() does not end the destroyed duplex', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const transport = rawSocketTransport(duplex, base);
    data.error(new Error('ECONNRESET'));
    expect(duplex.destroyed).toBeTrue();
    transport.outgoing.complete();
    expect(duplex.ended).toBeFalse();
  });

  it(
    'keepalive: the timeout error names the peer and the timeout',
    marbles((m) => {
      const duplex = new FakeDuplex(m.hot('-'), () => m.scheduler.now());
      const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler: m.scheduler });
      m.expect(observe(transport)).toBeObservable('15ms (k|)', { k: 'keepalive: no PONG from fake-peer within 5 ms' });
    }),
  );

  it('keepalive: sends no second PING while the first still awaits its PONG', () => {
    // Timeout 15 is longer than the interval 10: the tick at 20 finds PING #1 unanswered.
    // A frame limit of 100 ends the run even if PINGs went on forever.
    const scheduler = new VirtualTimeScheduler(VirtualAction, 100);
    const duplex = new FakeDuplex(NEVER, () => scheduler.now());
    const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 15 }, scheduler });
    const ended: string[] = [];
    transport.incoming$.subscribe({ error: (e: TransportError) => ended.push(`${scheduler.now()} ${e.message}`) });
    scheduler.flush();
    expect(duplex.written.map((w) => Array.from(w))).toEqual([[0x01, 0, 0, 4, 0, 0, 0, 1]]);
    expect(ended).toEqual(['25 no PONG from fake-peer within 15 ms']);
  });

  for (const [what, pong] of [
    ['longer than 4 octets', bytes(0, 0, 0, 1, 0)],
    ['echoing another PING', bytes(0, 0, 0, 2)],
  ] as const) {
    it(
      `keepalive: a PONG ${what} does not count as the answer`,
      marbles((m) => {
        const data$ = m.hot('12ms a', { a: encodeFrame(2, pong) });
        const duplex = new FakeDuplex(data$, () => m.scheduler.now());
        const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler: m.scheduler });
        m.expect(observe(transport)).toBeObservable('15ms (k|)', { k: 'keepalive: no PONG from fake-peer within 5 ms' });
      }),
    );
  }

  it(
    'keepalive: a PONG that comes when no PING is outstanding is ignored',
    marbles((m) => {
      // An unsolicited PONG at 5 (before PING #1) neither fails nor answers PING #1 in advance.
      const data$ = m.hot('5ms a', { a: encodeFrame(2, bytes(0, 0, 0, 1)) });
      const duplex = new FakeDuplex(data$, () => m.scheduler.now());
      const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler: m.scheduler });
      m.expect(observe(transport)).toBeObservable('15ms (k|)', { k: 'keepalive: no PONG from fake-peer within 5 ms' });
    }),
  );
});
