// The worker half of examples/worker-router: an rxwamp Router inside a Web Worker. Every
// client on the page posts one end of a fresh MessageChannel; the router serves it.
import { messagePortTransport } from 'rxwamp';
import { Router } from 'rxwamp/router';

const router = new Router({ realms: [{ name: 'realm1' }] });

self.addEventListener('message', (event: MessageEvent) => {
  const port = event.ports[0];
  if (event.data === 'rxwamp.connect' && port !== undefined) router.attach(messagePortTransport(port));
});
