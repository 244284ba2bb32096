import { firstValueFrom, take, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { serveWebSocket } from '../../src/node/serve-websocket.js';
import { textFrameBytes } from '../../src/node/text-frame-bytes.js';
import type { TransportServer } from '../../src/node/transport-server.js';
import type { Transport } from '../../src/transport/transport.js';

describe('textFrameBytes', () => {
  it('encodes a text once for consecutive receivers, as UTF-8', () => {
    const text = '[36,1,2,{},["héllo ✓ 𝄞"]]';
    const first = textFrameBytes(text);
    expect(first.toString('utf8')).toBe(text);
    expect(first.length).toBe(Buffer.byteLength(text));
    expect(textFrameBytes(text)).toBe(first);
    // The same text built anew is the same frame.
    expect(textFrameBytes(['[36,1,2,{},', '["héllo ✓ 𝄞"]]'].join(''))).toBe(first);
  });

  it('encodes a different text anew', () => {
    const a = textFrameBytes('["a"]');
    const b = textFrameBytes('["b"]');
    expect(b).not.toBe(a);
    expect(b.toString()).toBe('["b"]');
  });

  it('keeps no frame beyond the current task', async () => {
    const text = '["kept only for now"]';
    const first = textFrameBytes(text);
    await Promise.resolve();
    const later = textFrameBytes(text);
    expect(later).not.toBe(first);
    expect(later.toString()).toBe(text);
  });
});

describe('WebSocket listener: one text frame to many receivers', () => {
  let server: TransportServer | undefined;
  const clients: WebSocket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await server?.close();
    server = undefined;
  });

  it('delivers the same frame intact, as a text message, to every receiver, encoding it once', async () => {
    server = await serveWebSocket({ port: 0, path: '/ws' });
    const transports = firstValueFrom(server.connections$.pipe(take(3), toArray()));
    const received: Array<Promise<{ data: string; isBinary: boolean }>> = [];
    for (let i = 0; i < 3; i++) {
      const ws = new WebSocket(server.urls[0]!, 'wamp.2.json');
      clients.push(ws);
      received.push(new Promise((resolve) => ws.once('message', (data: RawData, isBinary: boolean) => resolve({ data: data.toString(), isBinary }))));
    }
    const receivers: Transport[] = await transports;
    const frame = JSON.stringify([36, 5, 6, {}, ['ünïcode ✓ 𝄞', 'x'.repeat(300)]]);
    const from = spyOn(Buffer, 'from').and.callThrough();
    for (const receiver of receivers) receiver.outgoing.next(frame);
    expect(from.calls.allArgs().filter((args) => args[0] === frame).length).toBe(1);
    for (const message of await Promise.all(received)) {
      expect(message.isBinary).toBe(false);
      expect(message.data).toBe(frame);
    }
  });
});
