import type { RealmConfig } from 'rxwamp/router';

/** The demo principals of the `secure` realm (examples only: never ship credentials in code). */
export const DEMO_USERS = {
  /** WAMP-CRA: a shared secret, never sent over the wire. */
  alice: { authid: 'alice', secret: 'alice-secret-7Qk2', authrole: 'operator' },
  /** Ticket: a token sent as is (use it over wss:// only). */
  bob: { authid: 'bob', ticket: 'bob-ticket-c9Xw', authrole: 'viewer' },
} as const;

/** The realms the example router serves: `realm1` (anonymous) and `secure` (ticket and WAMP-CRA). */
export const DEMO_REALMS: RealmConfig[] = [
  { name: 'realm1' },
  {
    name: 'secure',
    auth: {
      wampcra: { users: { alice: { secret: DEMO_USERS.alice.secret, authrole: DEMO_USERS.alice.authrole } } },
      ticket: { principals: { bob: { ticket: DEMO_USERS.bob.ticket, authrole: DEMO_USERS.bob.authrole } } },
    },
  },
];
