// Authenticated sessions on the realm `secure`: WAMP-CRA (a shared secret that never
// crosses the wire) and a ticket; a wrong secret is refused with ABORT.
//   npx tsx examples/authenticated-client.ts                                  # its own router
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/authenticated-client.ts  # examples/router.ts
import { firstValueFrom } from 'rxjs';
import { WampClient, WampError } from 'rxwamp';
import type { WampClientOptions } from 'rxwamp';
import { DEMO_USERS } from './support/demo-realms.js';
import { routerUrls } from './support/router-urls.js';

const router = await routerUrls();

/** Joins `secure` with the given credentials and prints who the router says we are. */
async function join(label: string, credentials: Partial<WampClientOptions>): Promise<void> {
  const client = new WampClient({ url: router.ws, realm: 'secure', reconnect: false, ...credentials });
  try {
    const session = await firstValueFrom(client.session$);
    const { authid, authrole, authmethod } = session.details;
    console.log(`${label}: joined as authid=${String(authid)} authrole=${String(authrole)} authmethod=${String(authmethod)}`);
  } catch (err) {
    console.log(`${label}: refused: ${err instanceof WampError ? err.uri : String(err)}`);
  } finally {
    await client.close();
  }
}

await join('wampcra', { authid: DEMO_USERS.alice.authid, secret: DEMO_USERS.alice.secret });
await join('ticket', { authid: DEMO_USERS.bob.authid, ticket: DEMO_USERS.bob.ticket });
await join('wrong secret', { authid: DEMO_USERS.alice.authid, secret: 'not-the-secret' });
await router.close();
