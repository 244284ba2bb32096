import { concat, NEVER, of, Subject, throwError, VirtualTimeScheduler } from 'rxjs';
import type { Observable } from 'rxjs';
import { rawSocketClientHandshake, rawSocketServerHandshake } from '../../../src/transport/rawsocket/negotiate.js';
import type { Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { bytes, FakeDuplex } from './fake-duplex.js';

function settle(source: Observable<Transport>): { transport?: Transport; error?: TransportError; completed: boolean } {
  const result: { transport?: Transport; error?: TransportError; completed: boolean } = { completed: false };
  source.subscribe({ next: (t) => (result.transport = t), error: (e: TransportError) => (result.error = e), complete: () => (result.completed = true) });
  return result;
}

/** Counts destroy() calls: a duplex is destroyed once. */
class CountingDuplex extends FakeDuplex {
  destroys = 0;
  override destroy(): void {
    this.destroys += 1;
    super.destroy();
  }
}

const accept = bytes(0x7f, 0xf1, 0, 0); // JSON, 16 MiB
const request = bytes(0x7f, 0xf1, 0, 0);

describe('RawSocket handshake: options passed on and exact errors', () => {
  for (const side of ['client', 'router'] as const) {
    const handshake = side === 'client' ? rawSocketClientHandshake : rawSocketServerHandshake;
    const hello = side === 'client' ? accept : request;

    it(`${side}: keepalive and scheduler reach the transport (PING at the interval, failure at the timeout)`, () => {
      // A plain VirtualTimeScheduler: marble run mode would also virtualise the default asyncScheduler.
      const scheduler = new VirtualTimeScheduler();
      const duplex = new FakeDuplex(concat(of(hello), NEVER), () => scheduler.now());
      const result = settle(handshake(duplex, { serializerId: 1, keepalive: { intervalMs: 10, timeoutMs: 5 }, scheduler }));
      const ended: string[] = [];
      result.transport!.incoming$.subscribe({ error: (e: TransportError) => ended.push(`${scheduler.now()} ${e.code}`) });
      scheduler.flush();
      expect(duplex.written.slice(1).map((w) => Array.from(w))).toEqual([[0x01, 0, 0, 4, 0, 0, 0, 1]]);
      expect(duplex.writeTimes.slice(1)).toEqual([10]);
      expect(ended).toEqual(['15 keepalive']);
    });

    it(`${side}: highWaterMark reaches the transport`, () => {
      const duplex = new FakeDuplex(concat(of(hello), NEVER));
      const result = settle(handshake(duplex, { serializerId: 1, highWaterMark: 100 }));
      let failure: TransportError | undefined;
      result.transport!.incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
      duplex.bufferedAmount = 101;
      result.transport!.outgoing.next(bytes(1));
      expect(failure!.code).toBe('slow_peer');
    });
  }

  it('a failure during the handshake names the peer and the reason, with the error as cause, and destroys once', () => {
    const reset = new Error('ECONNRESET');
    const duplex = new CountingDuplex(throwError(() => reset));
    const result = settle(rawSocketClientHandshake(duplex, { serializerId: 1 }));
    expect(result.error!.code).toBe('handshake');
    expect(result.error!.message).toBe('connection to fake-peer failed during the RawSocket handshake: ECONNRESET');
    expect(result.error!.cause).toBe(reset);
    expect(duplex.destroys).toBe(1);
  });

  it('the peer closing during the handshake is an exact error, and destroys once', () => {
    const duplex = new CountingDuplex(of(bytes(0x7f)));
    const result = settle(rawSocketServerHandshake(duplex));
    expect(result.error!.code).toBe('handshake');
    expect(result.error!.message).toBe('fake-peer closed the connection during the RawSocket handshake');
    expect(duplex.destroys).toBe(1);
  });

  it('an error right after a synchronous handshake reaches the transport, not the handshake', () => {
    const duplex = new FakeDuplex(concat(of(accept), throwError(() => new Error('ECONNRESET'))));
    const result = settle(rawSocketClientHandshake(duplex, { serializerId: 1 }));
    expect(result.error).toBeUndefined();
    expect(result.completed).toBeTrue();
    let failure: TransportError | undefined;
    result.transport!.incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
    expect(failure!.code).toBe('network');
  });

  it('the router names the reason and the reply it sent when refusing', () => {
    const unsupported = settle(rawSocketServerHandshake(new FakeDuplex(of(bytes(0x7f, 0xf2, 0, 0))), { serializerIds: [1] }));
    expect(unsupported.error!.code).toBe('handshake');
    expect(unsupported.error!.message).toBe(
      'refused the RawSocket handshake of fake-peer (serializer id 2 is not supported): answered error 1, serializer unsupported',
    );
    const illegal = settle(rawSocketServerHandshake(new FakeDuplex(of(bytes(0x7f, 0xf0, 0, 0)))));
    expect(illegal.error!.message).toBe(
      'refused the RawSocket handshake of fake-peer (client requested the illegal serializer id 0): answered error 1, serializer unsupported',
    );
    const http = settle(rawSocketServerHandshake(new FakeDuplex(of(bytes(0x47, 0x45, 0x54, 0x20)))));
    expect(http.error!.message).toBe(
      'refused the RawSocket handshake of fake-peer (not a RawSocket handshake: first octet is 0x47, not 0x7f): closed without reply',
    );
    const reserved = settle(rawSocketServerHandshake(new FakeDuplex(of(bytes(0x7f, 0xf1, 0, 2)))));
    expect(reserved.error!.message).toBe(
      'refused the RawSocket handshake of fake-peer (RawSocket handshake uses reserved octets 3 and 4): answered error 3, use of reserved bits (unsupported feature)',
    );
  });

  it('a router handshake split over chunks still answers', () => {
    const data = new Subject<Uint8Array>();
    const duplex = new FakeDuplex(data);
    const result = settle(rawSocketServerHandshake(duplex));
    data.next(bytes(0x7f, 0xf1));
    data.next(bytes(0, 0));
    expect(duplex.allWritten()).toEqual([0x7f, 0xf1, 0, 0]);
    expect(result.completed).toBeTrue();
  });
});
