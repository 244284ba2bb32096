// A router in a Node worker thread: each client hands over one end of its own MessageChannel.
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Router } from '../../src/router/index.js';
import { messagePortTransport } from '../../src/transport/message-port.js';
import type { MessageChannelLike } from '../../src/transport/message-port.js';

const router = new Router({ realms: [{ name: 'realm1' }] });
parentPort!.on('message', (m: { connect?: MessagePort }) => {
  if (m.connect !== undefined) router.attach(messagePortTransport(m.connect as unknown as MessageChannelLike));
});
parentPort!.postMessage('ready');
