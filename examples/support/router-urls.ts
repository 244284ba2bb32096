import { listen } from 'rxwamp/node';
import { Router } from 'rxwamp/router';
import { DEMO_REALMS } from './demo-realms.js';

/** Where an example connects, and how to let go of it. */
export interface RouterUrls {
  /** WebSocket: `ws://127.0.0.1:8080/ws`. */
  readonly ws: string;
  /** RawSocket over TCP: `rs://127.0.0.1:8081`. */
  readonly rs: string;
  /** Stops the router if this process started it. */
  close(): Promise<void>;
}

/**
 * The router of an example: the one named by WAMP_URL (and WAMP_RAWSOCKET_URL), e.g. the
 * one `npm start` or `npx tsx examples/router.ts` runs; without them, a router started
 * inside this process on free ports, so every example also runs on its own.
 */
export async function routerUrls(): Promise<RouterUrls> {
  const ws = process.env['WAMP_URL'];
  const rs = process.env['WAMP_RAWSOCKET_URL'];
  if (ws !== undefined || rs !== undefined) {
    return { ws: ws ?? 'ws://127.0.0.1:8080/ws', rs: rs ?? 'rs://127.0.0.1:8081', close: async () => undefined };
  }
  const server = await listen(new Router({ realms: DEMO_REALMS }), { websocket: { port: 0, path: '/ws' }, rawsocket: { port: 0 } });
  const url = (scheme: string): string => server.urls.find((u) => u.startsWith(scheme))!;
  console.log(`(no WAMP_URL given: started a router in this process on ${url('ws:')} and ${url('rs:')})`);
  return { ws: url('ws:'), rs: url('rs:'), close: () => server.close() };
}
