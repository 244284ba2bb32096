/**
 * The floor: the least a JSON router must do per message, and nothing more. Parse the
 * frame, look the procedure / topic / request up in a Map, re-serialize, forward. No
 * validation, no sessions state machine, no options: the yardstick for the router.
 * It speaks just enough WAMP (JSON over WebSocket) for the raw load generators.
 */
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { writeCoalescer } from '../src/node/coalesce-writes.js';
import { serveServer } from './lib/server-ipc.js';

interface Callee {
  readonly socket: WebSocket;
  readonly registration: number;
}
interface Pending {
  readonly socket: WebSocket;
  readonly request: number;
}
interface Topic {
  readonly subscription: number;
  readonly sockets: Set<WebSocket>;
}

const procedures = new Map<string, Callee>();
const pending = new Map<number, Pending>();
const topics = new Map<string, Topic>();
let nextId = 0;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false, handleProtocols: () => 'wamp.2.json' });

function receive(socket: WebSocket, text: string): void {
  const m = JSON.parse(text) as unknown[];
  switch (m[0]) {
    case 48: {
      const callee = procedures.get(m[3] as string);
      if (callee === undefined) return;
      const invocation = ++nextId;
      pending.set(invocation, { socket, request: m[1] as number });
      callee.socket.send(JSON.stringify([68, invocation, callee.registration, {}, m[4]]));
      return;
    }
    case 70: {
      const call = pending.get(m[1] as number);
      if (call === undefined) return;
      pending.delete(m[1] as number);
      call.socket.send(JSON.stringify([50, call.request, {}, m[3]]));
      return;
    }
    case 16: {
      const publication = ++nextId;
      const topic = topics.get(m[3] as string);
      if (topic !== undefined) {
        const event = JSON.stringify([36, topic.subscription, publication, {}, m[4]]);
        for (const s of topic.sockets) if (s !== socket) s.send(event);
      }
      if ((m[2] as { acknowledge?: boolean }).acknowledge === true) socket.send(JSON.stringify([17, m[1], publication]));
      return;
    }
    case 1:
      socket.send(JSON.stringify([2, ++nextId, { roles: { broker: {}, dealer: {} } }]));
      return;
    case 64: {
      const registration = ++nextId;
      procedures.set(m[3] as string, { socket, registration });
      socket.send(JSON.stringify([65, m[1], registration]));
      return;
    }
    case 32: {
      let topic = topics.get(m[3] as string);
      if (topic === undefined) topics.set(m[3] as string, (topic = { subscription: ++nextId, sockets: new Set() }));
      topic.sockets.add(socket);
      socket.send(JSON.stringify([33, m[1], topic.subscription]));
      return;
    }
    case 6:
      socket.close(1000);
  }
}

wss.on('connection', (socket, request) => {
  // Any relay on Node can coalesce one turn's writes into one system call; the floor does
  // too (as the router's listeners do), so that the yardstick is Node's best, not a
  // write-per-message relay the router would beat by batching alone.
  const coalesce = writeCoalescer(request.socket);
  const send = socket.send.bind(socket);
  socket.send = ((data: string, ...rest: unknown[]) => {
    coalesce();
    (send as (...a: unknown[]) => void)(data, ...rest);
  }) as typeof socket.send;
  socket.on('message', (data: Buffer) => receive(socket, data.toString()));
  socket.on('close', () => {
    for (const topic of topics.values()) topic.sockets.delete(socket);
    for (const [name, callee] of procedures) if (callee.socket === socket) procedures.delete(name);
  });
  socket.on('error', () => undefined);
});
wss.once('listening', () => {
  const { port } = wss.address() as AddressInfo;
  serveServer({ ws: `ws://127.0.0.1:${port}/ws` }, () => new Promise((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  }));
});
