import { catchError, map, of, Subject } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { encodeFrame } from '../../../src/transport/rawsocket/framing.js';
import { rawSocketTransport } from '../../../src/transport/rawsocket/transport.js';
import type { RawSocketTransportOptions } from '../../../src/transport/rawsocket/transport.js';
import type { Frame, Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { bytes, FakeDuplex } from './fake-duplex.js';

const base: RawSocketTransportOptions = { serializerId: 1, maxIncomingMessageSize: 1024, maxOutgoingMessageSize: 512 };

/** incoming$ as octet arrays, with an error turned into its code. */
function observe(transport: Transport) {
  return transport.incoming$.pipe(
    map((f: Frame) => (typeof f === 'string' ? f : Array.from(f))),
    catchError((e: unknown) => of(e instanceof TransportError ? `error:${e.code}` : 'error:?')),
  );
}

describe('rawSocketTransport', () => {
  it('names the protocol after the serializer id, for serializerFor()', () => {
    expect(rawSocketTransport(new FakeDuplex(), { ...base, serializerId: 1 }).protocol).toBe('wamp.2.json');
    expect(rawSocketTransport(new FakeDuplex(), { ...base, serializerId: 2 }).protocol).toBe('wamp.2.msgpack');
    expect(rawSocketTransport(new FakeDuplex(), { ...base, serializerId: 3 }).protocol).toBe('wamp.2.cbor');
    const t = rawSocketTransport(new FakeDuplex(), base);
    expect(t.maxOutgoingMessageSize).toBe(512);
    expect(t.peer).toBe('fake-peer');
  });

  it(
    'open → messages (split and batched across chunks) → clean close by the peer',
    marbles((m) => {
      const hello = encodeFrame(0, bytes(1, 2, 3));
      const welcome = encodeFrame(0, bytes(4, 5));
      const batch = new Uint8Array([...hello, ...welcome.subarray(0, 2)]);
      const data$ = m.hot('-a--b--|', { a: batch, b: welcome.subarray(2) });
      const duplex = new FakeDuplex(data$);
      const transport = rawSocketTransport(duplex, base);
      m.expect(observe(transport)).toBeObservable('-x--y--|', { x: [1, 2, 3], y: [4, 5] });
      m.flush();
      expect(duplex.ended).toBeTrue();
      expect(duplex.destroyed).toBeFalse();
    }),
  );

  it(
    'answers each PING with exactly one PONG echoing its payload, without surfacing it',
    marbles((m) => {
      const data$ = m.hot('-p-q-', { p: encodeFrame(1, bytes(9, 8, 7)), q: encodeFrame(1, bytes()) });
      const duplex = new FakeDuplex(data$, () => m.scheduler.now());
      const transport = rawSocketTransport(duplex, base);
      m.expect(observe(transport)).toBeObservable('-----');
      m.flush();
      expect(duplex.written.map((w) => Array.from(w))).toEqual([
        [0x02, 0, 0, 3, 9, 8, 7],
        [0x02, 0, 0, 0],
      ]);
      expect(duplex.writeTimes).toEqual([1, 3]);
    }),
  );

  it(
    'keepalive: PINGs every interval and stays up while PONGs echo them',
    marbles((m) => {
      // PONG for PING #1 (sent at 10) arrives at 12; PING #2 (at 20) is answered at 23.
      const data$ = m.hot('12ms a 10ms b', { a: encodeFrame(2, bytes(0, 0, 0, 1)), b: encodeFrame(2, bytes(0, 0, 0, 2)) });
      const duplex = new FakeDuplex(data$, () => m.scheduler.now());
      const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler: m.scheduler });
      const sub = observe(transport).subscribe();
      m.scheduler.schedule(() => sub.unsubscribe(), 35);
      m.flush();
      expect(duplex.written.map((w) => Array.from(w))).toEqual([
        [0x01, 0, 0, 4, 0, 0, 0, 1],
        [0x01, 0, 0, 4, 0, 0, 0, 2],
        [0x01, 0, 0, 4, 0, 0, 0, 3],
      ]);
      expect(duplex.writeTimes).toEqual([10, 20, 30]);
      expect(duplex.destroyed).toBeFalse();
    }),
  );

  it(
    'keepalive: fails the transport when a PONG does not come in time',
    marbles((m) => {
      // PING #1 answered; PING #2 (at 20) is answered with the wrong payload, so it times out at 25.
      const data$ = m.hot('12ms a 10ms b', { a: encodeFrame(2, bytes(0, 0, 0, 1)), b: encodeFrame(2, bytes(0, 0, 0, 7)) });
      const duplex = new FakeDuplex(data$, () => m.scheduler.now());
      const transport = rawSocketTransport(duplex, { ...base, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler: m.scheduler });
      m.expect(observe(transport)).toBeObservable('25ms (k|)', { k: 'error:keepalive' });
      m.flush();
      expect(duplex.destroyed).toBeTrue();
      expect(duplex.written.length).toBe(2);
    }),
  );

  it(
    'fails the connection on a frame over its receive limit',
    marbles((m) => {
      const data$ = m.hot('-a-b', { a: encodeFrame(0, bytes(1)), b: Uint8Array.of(0, 0, 0x04, 0x01) });
      const duplex = new FakeDuplex(data$);
      const transport = rawSocketTransport(duplex, base);
      m.expect(observe(transport)).toBeObservable('-x-(e|)', { x: [1], e: 'error:too_large' });
      m.flush();
      expect(duplex.destroyed).toBeTrue();
    }),
  );

  it(
    'fails on reserved frame types and on the peer ending in the middle of a frame',
    marbles((m) => {
      const reserved = rawSocketTransport(new FakeDuplex(m.hot('-a', { a: Uint8Array.of(0x03, 0, 0, 0) })), base);
      m.expect(observe(reserved)).toBeObservable('-(e|)', { e: 'error:framing' });
      const cut = rawSocketTransport(new FakeDuplex(m.hot('-a|', { a: Uint8Array.of(0, 0, 0, 9, 1) })), base);
      m.expect(observe(cut)).toBeObservable('--(e|)', { e: 'error:closed' });
    }),
  );

  it(
    'fails with network when the byte stream errors',
    marbles((m) => {
      const transport = rawSocketTransport(new FakeDuplex(m.hot('--#', undefined, new Error('ECONNRESET'))), base);
      m.expect(observe(transport)).toBeObservable('--(e|)', { e: 'error:network' });
    }),
  );

  it('refuses to send a message over the peer limit with too_large, and keeps the connection', () => {
    const duplex = new FakeDuplex();
    const transport = rawSocketTransport(duplex, base);
    let thrown: unknown;
    try {
      transport.outgoing.next(new Uint8Array(513));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TransportError);
    expect((thrown as TransportError).code).toBe('too_large');
    expect((thrown as TransportError).message).toContain('513 octets exceeds the maximum of 512');
    expect(duplex.written).toEqual([]);
    transport.outgoing.next('é'.repeat(256)); // 512 octets of UTF-8: exactly the limit
    expect(duplex.written[0]!.length).toBe(516);
    expect(Array.from(duplex.written[0]!.subarray(0, 4))).toEqual([0, 0, 2, 0]);
    expect(() => transport.outgoing.next('é'.repeat(257))).toThrowMatching((e) => (e as TransportError).code === 'too_large');
    expect(duplex.destroyed).toBeFalse();
  });

  it('writes a large message after its prefix without copying it', () => {
    const duplex = new FakeDuplex();
    const transport = rawSocketTransport(duplex, { ...base, maxOutgoingMessageSize: 1 << 20 });
    transport.outgoing.next(new Uint8Array(70_000).fill(7));
    expect(duplex.written.map((w) => w.length)).toEqual([4, 70_000]);
    expect(Array.from(duplex.written[0]!)).toEqual([0, 0x01, 0x11, 0x70]);
  });

  it('fails as a slow peer once queued bytes pass the high-water mark', () => {
    const duplex = new FakeDuplex();
    const transport = rawSocketTransport(duplex, { ...base, highWaterMark: 100 });
    let failure: unknown;
    transport.incoming$.subscribe({ error: (e) => (failure = e) });
    duplex.bufferedAmount = 100;
    transport.outgoing.next(bytes(1));
    expect(failure).toBeUndefined();
    duplex.bufferedAmount = 101;
    transport.outgoing.next(bytes(2));
    expect((failure as TransportError).code).toBe('slow_peer');
    expect(duplex.destroyed).toBeTrue();
    expect(transport.bufferedAmount).toBe(0);
    transport.outgoing.next(bytes(3)); // a no-op after the failure
    expect(duplex.written.length).toBe(2);
  });

  it('holds frames until incoming$ is subscribed, then delivers them and the ending', () => {
    const data = new Subject<Uint8Array>();
    const transport = rawSocketTransport(new FakeDuplex(data), base);
    data.next(encodeFrame(0, bytes(1)));
    data.next(encodeFrame(0, bytes(2)));
    data.complete();
    const seen: unknown[] = [];
    transport.incoming$.subscribe({ next: (f) => seen.push(Array.from(f as Uint8Array)), complete: () => seen.push('done') });
    expect(seen).toEqual([[1], [2], 'done']);
  });

  it('reads bytes that came with the handshake first', () => {
    const transport = rawSocketTransport(new FakeDuplex(of(encodeFrame(0, bytes(2)))), { ...base, initialBytes: encodeFrame(0, bytes(1)) });
    const seen: number[][] = [];
    transport.incoming$.subscribe((f) => seen.push(Array.from(f as Uint8Array)));
    expect(seen).toEqual([[1], [2]]);
  });

  it('closes cleanly on outgoing.complete(), aborts on outgoing.error(), ends on unsubscribe', () => {
    const a = new FakeDuplex();
    const ta = rawSocketTransport(a, base);
    let completed = false;
    ta.incoming$.subscribe({ complete: () => (completed = true) });
    ta.outgoing.complete();
    expect([completed, a.ended, a.destroyed]).toEqual([true, true, false]);
    ta.outgoing.next(bytes(1));
    expect(a.written).toEqual([]);

    const b = new FakeDuplex();
    const tb = rawSocketTransport(b, base);
    tb.outgoing.error(new Error('bye'));
    expect(b.destroyed).toBeTrue();

    const c = new FakeDuplex();
    const tc = rawSocketTransport(c, base);
    tc.incoming$.subscribe().unsubscribe();
    expect(c.ended).toBeTrue();
    let busy: unknown;
    tc.incoming$.subscribe({ error: (e) => (busy = e) });
    expect((busy as TransportError).code).toBe('busy');
  });
});
