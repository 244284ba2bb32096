import { map } from 'rxjs';
import { marbles } from 'rxjs-marbles/jasmine';
import { connectWebSocket } from '../../../src/transport/websocket/connect.js';
import type { Transport } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeWebSocket } from './fake-websocket.js';

const options = { protocols: ['wamp.2.cbor', 'wamp.2.json'], WebSocket: FakeWebSocket };

describe('connectWebSocket', () => {
  beforeEach(() => (FakeWebSocket.instances = []));

  it('is cold: nothing happens until subscribed', () => {
    connectWebSocket('ws://h/ws', options);
    expect(FakeWebSocket.instances).toEqual([]);
  });

  it(
    'opens the socket on subscribe, emits the transport once open with the negotiated protocol, then completes',
    marbles((m) => {
      const source = connectWebSocket('ws://h/ws', options).pipe(map((t) => t.protocol));
      m.scheduler.schedule(() => FakeWebSocket.instances[0]!.open('wamp.2.json'), 3);
      m.expect(source).toBeObservable('---(p|)', { p: 'wamp.2.json' });
      m.flush();
      const socket = FakeWebSocket.instances[0]!;
      expect(socket.url).toBe('ws://h/ws');
      expect(socket.protocols).toEqual(['wamp.2.cbor', 'wamp.2.json']);
      expect(socket.binaryType).toBe('arraybuffer');
    }),
  );

  it('errors with connect when the socket closes before opening, naming the error', () => {
    let failure: TransportError | undefined;
    connectWebSocket('ws://h/ws', options).subscribe({ error: (e: TransportError) => (failure = e) });
    const socket = FakeWebSocket.instances[0]!;
    socket.emit('error', { message: 'ECONNREFUSED' });
    socket.serverClose(1006);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure!.code).toBe('connect');
    expect(failure!.message).toContain('ECONNREFUSED');
  });

  it('errors with handshake, and closes, when the server picked no subprotocol or one not offered', () => {
    for (const picked of ['', 'wamp.2.msgpack']) {
      FakeWebSocket.instances = [];
      let failure: TransportError | undefined;
      connectWebSocket('ws://h/ws', options).subscribe({ error: (e: TransportError) => (failure = e) });
      const socket = FakeWebSocket.instances[0]!;
      socket.open(picked);
      expect(failure!.code).toBe('handshake');
      expect(failure!.message).toContain(picked === '' ? 'no subprotocol' : "subprotocol 'wamp.2.msgpack'");
      expect(socket.closedWith?.code).toBe(1000);
    }
  });

  it('aborts the socket when unsubscribed before it opens, keeping an error listener', () => {
    const subscription = connectWebSocket('ws://h/ws', options).subscribe({ error: () => fail('no error expected') });
    const socket = FakeWebSocket.instances[0]!;
    let terminated = false;
    socket.terminate = () => (terminated = true);
    subscription.unsubscribe();
    expect(terminated).toBeTrue();
    expect(socket.listenerCount('error')).toBe(1);
    expect(socket.listenerCount('open')).toBe(0);
    socket.emit('error', { message: 'aborted' }); // must not throw or reach the subscriber
  });

  it('does not close the transport when the connect subscription ends after emitting', () => {
    let transport: Transport | undefined;
    connectWebSocket('ws://h/ws', options).subscribe((t) => (transport = t));
    const socket = FakeWebSocket.instances[0]!;
    socket.open('wamp.2.cbor');
    expect(transport).toBeDefined();
    expect(socket.closedWith).toBeUndefined();
    const seen: unknown[] = [];
    transport!.incoming$.subscribe({ next: (f) => seen.push(f), error: (e: TransportError) => seen.push(e.code) });
    socket.receive('late close events reach the transport, not the connect observer');
    socket.serverClose(1006);
    expect(seen).toEqual(['late close events reach the transport, not the connect observer', 'closed']);
  });

  it('errors with connect when the constructor throws (e.g. a bad URL)', () => {
    class Throwing extends FakeWebSocket {
      constructor(url: string) {
        super(url);
        throw new SyntaxError(`invalid URL ${url}`);
      }
    }
    let failure: TransportError | undefined;
    connectWebSocket('nope', { protocols: ['wamp.2.json'], WebSocket: Throwing }).subscribe({ error: (e: TransportError) => (failure = e) });
    expect(failure!.code).toBe('connect');
    expect(failure!.message).toContain('invalid URL nope');
  });
});
