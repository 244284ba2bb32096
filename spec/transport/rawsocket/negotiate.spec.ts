import { concat, map, NEVER, of, Subject, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { encodeFrame } from '../../../src/transport/rawsocket/framing.js';
import { rawSocketClientHandshake, rawSocketServerHandshake } from '../../../src/transport/rawsocket/negotiate.js';
import type { Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { bytes, FakeDuplex } from './fake-duplex.js';

function settle(source: Observable<Transport>): { transport?: Transport; error?: TransportError; completed: boolean } {
  const result: { transport?: Transport; error?: TransportError; completed: boolean } = { completed: false };
  source.subscribe({ next: (t) => (result.transport = t), error: (e: TransportError) => (result.error = e), complete: () => (result.completed = true) });
  return result;
}

describe('RawSocket handshake over a byte duplex', () => {
  describe('client', () => {
    it(
      'sends its request, then emits the transport once the reply arrives, and completes',
      marbles((m) => {
        const reply = bytes(0x7f, 0x12, 0, 0); // MessagePack, router accepts 1024
        const duplex = new FakeDuplex(m.hot('--r', { r: reply }));
        const protocols = rawSocketClientHandshake(duplex, { serializerId: 2, maxMessageSize: 65536 });
        m.expect(protocols.pipe(map((t) => t.protocol))).toBeObservable('--(p|)', { p: 'wamp.2.msgpack' });
        m.flush();
        expect(duplex.allWritten()).toEqual([0x7f, 0x72, 0, 0]);
      }),
    );

    it('learns the router limit and reads a frame that came in the same chunk as the reply', () => {
      const data = new Subject<Uint8Array>();
      const duplex = new FakeDuplex(data);
      const result = settle(rawSocketClientHandshake(duplex, { serializerId: 1 }));
      expect(duplex.allWritten()).toEqual([0x7f, 0xf1, 0, 0]);
      data.next(bytes(0x7f));
      expect(result.transport).toBeUndefined();
      data.next(new Uint8Array([0x11, 0, 0, ...encodeFrame(0, bytes(42))]));
      expect(result.completed).toBeTrue();
      expect(result.transport!.maxOutgoingMessageSize).toBe(1024);
      const seen: number[][] = [];
      result.transport!.incoming$.subscribe((f) => seen.push(Array.from(f as Uint8Array)));
      data.next(encodeFrame(0, bytes(43)));
      expect(seen).toEqual([[42], [43]]);
    });

    it('works with a duplex that delivers bytes synchronously on subscribe', () => {
      const duplex = new FakeDuplex(concat(of(new Uint8Array([0x7f, 0xf1, 0, 0, ...encodeFrame(0, bytes(1))]), encodeFrame(0, bytes(2))), NEVER));
      const result = settle(rawSocketClientHandshake(duplex, { serializerId: 1 }));
      const seen: number[][] = [];
      result.transport!.incoming$.subscribe({ next: (f) => seen.push(Array.from(f as Uint8Array)), error: () => seen.push([-1]) });
      expect(seen).toEqual([[1], [2]]);
    });

    for (const [code, reason] of [
      [1, 'serializer unsupported'],
      [2, 'maximum message length unacceptable'],
      [3, 'use of reserved bits (unsupported feature)'],
      [4, 'maximum connection count reached'],
      [0, 'illegal error code 0'],
    ] as const) {
      it(`errors with the router's error ${code} (${reason}) and closes`, () => {
        const duplex = new FakeDuplex(of(bytes(0x7f, code << 4, 0, 0)));
        const result = settle(rawSocketClientHandshake(duplex, { serializerId: 1 }));
        expect(result.error).toBeInstanceOf(TransportError);
        expect(result.error!.code).toBe('handshake');
        expect(result.error!.message).toContain(`error ${code}, ${reason}`);
        expect(duplex.destroyed).toBeTrue();
      });
    }

    it('errors on a reply with another serializer, a bad magic octet or reserved octets', () => {
      const other = settle(rawSocketClientHandshake(new FakeDuplex(of(bytes(0x7f, 0xf3, 0, 0))), { serializerId: 1 }));
      expect(other.error!.message).toContain('answered with serializer 3, not the requested 1');
      const http = settle(rawSocketClientHandshake(new FakeDuplex(of(bytes(0x48, 0x54, 0x54, 0x50))), { serializerId: 1 }));
      expect(http.error!.message).toContain('first octet is 0x48');
      const reserved = settle(rawSocketClientHandshake(new FakeDuplex(of(bytes(0x7f, 0xf1, 1, 0))), { serializerId: 1 }));
      expect(reserved.error!.message).toContain('reserved');
    });

    it('errors when the connection ends or fails during the handshake', () => {
      const ended = settle(rawSocketClientHandshake(new FakeDuplex(of(bytes(0x7f, 0xf1))), { serializerId: 1 }));
      expect(ended.error!.message).toContain('closed the connection during the RawSocket handshake');
      const failed = settle(rawSocketClientHandshake(new FakeDuplex(throwError(() => new Error('ECONNRESET'))), { serializerId: 1 }));
      expect(failed.error!.message).toContain('ECONNRESET');
    });

    it('destroys the duplex when unsubscribed before the reply, but not after the transport is out', () => {
      const pending = new FakeDuplex();
      rawSocketClientHandshake(pending, { serializerId: 1 }).subscribe().unsubscribe();
      expect(pending.destroyed).toBeTrue();
      const done = new FakeDuplex(concat(of(bytes(0x7f, 0xf1, 0, 0)), NEVER));
      rawSocketClientHandshake(done, { serializerId: 1 }).subscribe().unsubscribe();
      expect(done.destroyed).toBeFalse();
    });
  });

  describe('router', () => {
    it('answers with its own LENGTH and emits the transport limited by the client LENGTH', () => {
      const duplex = new FakeDuplex(concat(of(bytes(0x7f, 0x03, 0, 0)), NEVER)); // CBOR, client accepts 512
      const result = settle(rawSocketServerHandshake(duplex, { maxMessageSize: 1 << 20 }));
      expect(duplex.allWritten()).toEqual([0x7f, 0xb3, 0, 0]);
      expect(result.transport!.protocol).toBe('wamp.2.cbor');
      expect(result.transport!.maxOutgoingMessageSize).toBe(512);
    });

    it('answers error 1 for an unsupported serializer, ends the connection, and errors', () => {
      const duplex = new FakeDuplex(concat(of(bytes(0x7f, 0xf2, 0, 0)), NEVER));
      const result = settle(rawSocketServerHandshake(duplex, { serializerIds: [1] }));
      expect(duplex.allWritten()).toEqual([0x7f, 0x10, 0, 0]);
      expect(duplex.ended).toBeTrue();
      expect(result.error!.message).toContain('answered error 1, serializer unsupported');
    });

    it('answers error 3 for reserved octets, error 4 when told the server is full', () => {
      const reserved = new FakeDuplex(of(bytes(0x7f, 0xf1, 0, 2)));
      settle(rawSocketServerHandshake(reserved));
      expect(reserved.allWritten()).toEqual([0x7f, 0x30, 0, 0]);
      const full = new FakeDuplex(of(bytes(0x7f, 0xf1, 0, 0)));
      const result = settle(rawSocketServerHandshake(full, { refuseWith: 4 }));
      expect(full.allWritten()).toEqual([0x7f, 0x40, 0, 0]);
      expect(result.error!.message).toContain('maximum connection count reached');
    });

    it('drops a connection with a wrong magic octet without answering', () => {
      const duplex = new FakeDuplex(of(new TextEncoder().encode('GET / HTTP/1.1\r\n')));
      const result = settle(rawSocketServerHandshake(duplex));
      expect(duplex.written).toEqual([]);
      expect(duplex.destroyed).toBeTrue();
      expect(result.error!.message).toContain('closed without reply');
    });
  });
});
