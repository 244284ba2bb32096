import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { coalescingWebSocket } from '../../../src/transport/websocket/coalesce-sends.js';
import type { WebSocketConstructorLike, WebSocketLike } from '../../../src/transport/websocket/websocket-like.js';

describe('coalescingWebSocket (ws client sends coalesced per turn)', () => {
  let server: WebSocketServer;
  let received: string[];
  let url: string;
  /** Resolves once the server has received `count` messages (checked at each message). */
  let receivedCount: (count: number) => Promise<void>;

  beforeEach(async () => {
    received = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    receivedCount = (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })));
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'wamp.2.json' });
    server.on('connection', (ws) =>
      ws.on('message', (data: Buffer) => {
        received.push(data.toString());
        for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
      }),
    );
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('corks the socket at the first send of a turn, uncorks after it, and delivers every message in order', async () => {
    const Coalescing = coalescingWebSocket(WebSocket as unknown as WebSocketConstructorLike);
    const client = new Coalescing(url, ['wamp.2.json']) as WebSocketLike & WebSocket;
    // 'upgrade' and 'open' come in the same turn: listen for both at once.
    const upgraded = new Promise<Socket>((resolve) => client.once('upgrade', (response: IncomingMessage) => resolve(response.socket as Socket)));
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    const socket = await upgraded;
    expect(socket.writableCorked).toBe(0);
    for (let i = 0; i < 10; i++) client.send(`message ${i}`);
    // All ten wait in the corked socket until the turn ends, then leave together.
    expect(socket.writableCorked).toBe(1);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(socket.writableCorked).toBe(0);
    await receivedCount(10);
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
    client.close();
  });
});
