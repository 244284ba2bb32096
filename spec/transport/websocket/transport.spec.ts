import { catchError, map, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { webSocketTransport } from '../../../src/transport/websocket/transport.js';
import type { Frame, Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeWebSocket } from './fake-websocket.js';

function openSocket(protocol = 'wamp.2.json'): FakeWebSocket {
  const socket = new FakeWebSocket('ws://example/ws', [protocol]);
  socket.open(protocol);
  return socket;
}

function observe(transport: Transport) {
  return transport.incoming$.pipe(
    map((f: Frame) => (typeof f === 'string' ? f : Array.from(f))),
    catchError((e: unknown) => of(e instanceof TransportError ? `error:${e.code}` : 'error:?')),
  );
}

describe('webSocketTransport', () => {
  it(
    'open → text and binary messages → clean close by the peer',
    marbles((m) => {
      const socket = openSocket('wamp.2.msgpack');
      const transport = webSocketTransport(socket, { peer: 'p' });
      expect(socket.binaryType).toBe('arraybuffer');
      expect(transport.protocol).toBe('wamp.2.msgpack');
      m.scheduler.schedule(() => socket.receive(Uint8Array.of(1, 2).buffer), 1);
      m.scheduler.schedule(() => socket.receive('[1]'), 2);
      m.scheduler.schedule(() => socket.receive(Uint8Array.of(0, 9, 8).subarray(1)), 3);
      m.scheduler.schedule(() => socket.serverClose(1000), 4);
      m.expect(observe(transport)).toBeObservable('-abc|', { a: [1, 2], b: '[1]', c: [9, 8] });
    }),
  );

  it(
    'fails with closed, naming code and reason, on an abnormal close',
    marbles((m) => {
      const socket = openSocket();
      const transport = webSocketTransport(socket);
      m.scheduler.schedule(() => socket.emit('error', { message: 'ECONNRESET' }), 1);
      m.scheduler.schedule(() => socket.serverClose(1006), 2);
      m.expect(observe(transport)).toBeObservable('--(e|)', { e: 'error:closed' });
      let message = '';
      const other = openSocket();
      webSocketTransport(other).incoming$.subscribe({ error: (e: Error) => (message = e.message) });
      other.serverClose(4001, 'kicked');
      expect(message).toContain('code 4001: kicked');
    }),
  );

  it('treats 1001 and 1005 as clean closes, and 1009 as too_large', () => {
    for (const [code, expected] of [
      [1001, 'done'],
      [1005, 'done'],
      [1009, 'too_large'],
    ] as const) {
      const socket = openSocket();
      let outcome = '';
      webSocketTransport(socket).incoming$.subscribe({ complete: () => (outcome = 'done'), error: (e: TransportError) => (outcome = e.code) });
      socket.serverClose(code);
      expect(outcome).toBe(expected);
    }
  });

  it('fails with too_large (closing 1009) on an incoming message over maxMessageSize, text or binary', () => {
    const socket = openSocket();
    let failure: TransportError | undefined;
    webSocketTransport(socket, { maxMessageSize: 10 }).incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
    socket.receive('0123'); // short strings are not measured
    socket.receive('ééééé'); // 10 octets of UTF-8: the limit
    expect(failure).toBeUndefined();
    socket.receive('ééééé1');
    expect(failure!.code).toBe('too_large');
    expect(failure!.message).toContain('11 octets');
    expect(socket.closedWith?.code).toBe(1009);

    const binary = openSocket('wamp.2.cbor');
    let binaryFailure: TransportError | undefined;
    webSocketTransport(binary, { maxMessageSize: 10 }).incoming$.subscribe({ error: (e: TransportError) => (binaryFailure = e) });
    binary.receive(new ArrayBuffer(11));
    expect(binaryFailure!.code).toBe('too_large');
  });

  it('fails on a message it cannot read (a Blob, when binaryType was not honoured)', () => {
    const socket = openSocket();
    let failure: TransportError | undefined;
    webSocketTransport(socket).incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
    socket.receive({ size: 3 });
    expect(failure!.code).toBe('protocol');
  });

  it('sends strings as text and bytes as binary; sending after close is a no-op', () => {
    const socket = openSocket();
    const transport = webSocketTransport(socket);
    transport.outgoing.next('[1]');
    transport.outgoing.next(Uint8Array.of(1));
    transport.outgoing.complete();
    transport.outgoing.next('late');
    expect(socket.sent).toEqual(['[1]', Uint8Array.of(1)]);
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'closed' });
  });

  it('fails as a slow peer past the high-water mark, terminating when it can', () => {
    const socket = openSocket();
    let terminated = false;
    socket.terminate = () => (terminated = true);
    const transport = webSocketTransport(socket, { highWaterMark: 5 });
    let failure: TransportError | undefined;
    transport.incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
    socket.bufferedAmount = 5;
    transport.outgoing.next('a');
    expect(failure).toBeUndefined();
    socket.bufferedAmount = 6;
    transport.outgoing.next('b');
    expect(failure!.code).toBe('slow_peer');
    expect(terminated).toBeTrue();
    expect(transport.bufferedAmount).toBe(0);
  });

  it('closes with an error reason on outgoing.error(), falling back where codes are restricted', () => {
    const socket = openSocket();
    webSocketTransport(socket).outgoing.error(new Error('protocol violation'));
    expect(socket.closedWith).toEqual({ code: 1011, reason: 'protocol violation' });
    const browser = openSocket();
    browser.strictCodes = true;
    webSocketTransport(browser).outgoing.error(new Error('x'));
    expect(browser.closedWith).toEqual({});
  });

  it('closes when the consumer unsubscribes, and holds frames until subscribed', () => {
    const socket = openSocket();
    const transport = webSocketTransport(socket);
    socket.receive('early');
    const seen: Frame[] = [];
    transport.incoming$.subscribe((f) => seen.push(f)).unsubscribe();
    expect(seen).toEqual(['early']);
    expect(socket.closedWith?.code).toBe(1000);
  });

  it('fails at once over a socket that is not open', () => {
    const socket = new FakeWebSocket('ws://x', []);
    let failure: TransportError | undefined;
    webSocketTransport(socket).incoming$.subscribe({ error: (e: TransportError) => (failure = e) });
    expect(failure!.code).toBe('closed');
  });
});
