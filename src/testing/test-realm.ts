import { of } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampClient } from '../client/wamp-client.js';
import type { WampClientOptions } from '../client/client-options.js';
import type { RealmConfig, RouterConfig } from '../router/config.js';
import { Router } from '../router/router.js';
import { serializerFor } from '../serialization/registry.js';
import type { SerializerName } from '../serialization/serializer.js';
import { loopbackPair } from '../transport/loopback.js';
import type { Transport } from '../transport/transport.js';

/** How to set up a {@link TestRealm}: the realm's own config (auth, roles …) and the router's. */
export interface TestRealmOptions extends Omit<RealmConfig, 'name'> {
  /** The realm's name (default `realm1`). */
  readonly name?: string;
  /** Router settings besides its realms (limits, logger). */
  readonly router?: Omit<RouterConfig, 'realms'>;
  /** The serialization clients speak unless they say otherwise (default `json`): every message is really encoded and decoded. */
  readonly serializer?: SerializerName;
}

/** Options of a test client: those of a WampClient but where it connects; it does not reconnect unless asked to. */
export type TestClientOptions = Partial<Omit<WampClientOptions, 'url' | 'transport'>>;

/**
 * A realm on a real {@link Router} in memory, for an application's specs: its clients
 * reach the router over synchronous loopback transports (no sockets, no ports), so a call,
 * its progressive results, a cancel and the events of a publication all happen at once —
 * inside `TestScheduler.run` at the virtual frame where they are triggered, and in real
 * time (Jasmine, Jest, Vitest) without waiting on anything.
 */
export class TestRealm {
  /** The router behind the realm (for its meta API, limits, `attach` of your own transports). */
  readonly router: Router;
  /** The realm's name. */
  readonly name: string;
  readonly #serializer: SerializerName;
  readonly #clients = new Set<WampClient>();
  /** The router ends of the connections that are open, to drop them on demand. */
  readonly #open = new Set<Transport>();

  constructor(options: TestRealmOptions = {}) {
    const { name = 'realm1', router = {}, serializer = 'json', ...realm } = options;
    this.name = name;
    this.#serializer = serializer;
    this.router = new Router({ ...router, realms: [{ ...realm, name }] });
  }

  /** A WampClient of this realm; it connects on first use and is closed by {@link close}. */
  client(options: TestClientOptions = {}): WampClient {
    const client = new WampClient(this.clientOptions(options));
    this.#clients.add(client);
    return client;
  }

  /**
   * WampClientOptions that connect to this realm, for code that makes its own WampClient
   * (an Angular provider, a service's constructor). Such clients are the code's to close;
   * {@link close} ends their sessions with the router's GOODBYE.
   */
  clientOptions(options: TestClientOptions = {}): WampClientOptions {
    return { realm: this.name, reconnect: false, ...options, transport: this.transport(options.serializer ?? this.#serializer) };
  }

  /** A transport factory: each call opens a fresh in-memory connection to the router. */
  transport(serializer: SerializerName = this.#serializer): () => Observable<Transport> {
    const protocol = serializerFor(serializer)?.subprotocol;
    if (protocol === undefined) throw new TypeError(`unknown serializer ${String(serializer)}`);
    return () => {
      const [clientEnd, routerEnd] = loopbackPair(protocol);
      this.#open.add(routerEnd);
      this.router.attach(routerEnd);
      return of(clientEnd);
    };
  }

  /**
   * Fails every open connection from the router's side, as a lost network would (no
   * GOODBYE): clients with a reconnect policy come back, the others end. Returns how many.
   */
  dropConnections(): number {
    const open = [...this.#open];
    this.#open.clear();
    for (const transport of open) transport.outgoing.error(new Error('connection dropped by the test realm'));
    return open.length;
  }

  /** Closes the clients made by {@link client}, then the router (GOODBYE to every other session). */
  async close(): Promise<void> {
    const clients = [...this.#clients];
    this.#clients.clear();
    this.#open.clear();
    await Promise.all(clients.map((client) => client.close()));
    await this.router.close();
  }
}
