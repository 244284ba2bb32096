import type { Subscription } from 'rxjs';
import type { Dict } from '../../src/protocol/dict.js';
import { ROUTER_ROLES } from '../../src/router/router-roles.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import type { Frame, Transport } from '../../src/transport/transport.js';

/** A message as the scripted router sees it: the array form, code first. */
export type Wire = unknown[];

/** Every router feature the client may ask for: what the real rxwamp router announces. */
export const FULL_ROUTER_ROLES: Dict = ROUTER_ROLES as Dict;

const NAMES: Record<number, string> = {
  1: 'HELLO', 3: 'ABORT', 5: 'AUTHENTICATE', 6: 'GOODBYE', 8: 'ERROR', 16: 'PUBLISH', 32: 'SUBSCRIBE', 34: 'UNSUBSCRIBE',
  48: 'CALL', 49: 'CANCEL', 64: 'REGISTER', 66: 'UNREGISTER', 70: 'YIELD',
};

/** What the router does with one client message: the messages it answers with. */
export type Script = (message: Wire, router: ScriptedRouter) => Wire[] | void;

/**
 * A WAMP router stand-in for client specs: it speaks the wire protocol on the far end of
 * a loopback transport, answers the handshake and (un)subscribe/(un)register requests
 * the ordinary way, and lets a spec script everything else message by message. It keeps
 * every message it received, as arrays, for the spec to check.
 */
export class ScriptedRouter {
  /** Everything the client sent, in order. */
  readonly received: Wire[] = [];
  /** Per message name, how to answer (replaces the default answer). */
  readonly scripts = new Map<string, Script>();
  /** The roles announced in WELCOME. */
  roles: Dict = FULL_ROUTER_ROLES;
  /** The session id given in WELCOME. */
  sessionId = 1;
  /** Whether to keep what arrives in `received` (off for long runs). */
  record = true;
  /** True once the client's transport end closed. */
  closed = false;
  /** How it closed: `{}` for a clean close, `{ error }` when the client failed the connection. */
  ending: { error?: unknown } | undefined;
  readonly #transport: Transport;
  readonly #serializer = new JsonSerializer();
  readonly #subscription: Subscription;
  #nextId = 100;
  readonly #waiters: Array<{ done: () => boolean; resolve: () => void }> = [];

  constructor(transport: Transport) {
    this.#transport = transport;
    this.#subscription = transport.incoming$.subscribe({
      next: (frame) => this.#receive(frame),
      complete: () => {
        this.closed = true;
        this.ending = {};
      },
      error: (error: unknown) => {
        this.closed = true;
        this.ending = { error };
      },
    });
  }

  /** Sends a message to the client as it is (which may be malformed on purpose). */
  send(message: Wire): void {
    this.#transport.outgoing.next(JSON.stringify(message));
  }

  /** Sends a raw frame. */
  sendFrame(frame: Frame): void {
    this.#transport.outgoing.next(frame);
  }

  /** Drops the connection without GOODBYE. */
  drop(): void {
    this.#transport.outgoing.error(new Error('router dropped the connection'));
  }

  /** Closes the connection cleanly, without GOODBYE: the client's incoming$ completes. */
  hangUp(): void {
    this.#transport.outgoing.complete();
  }

  /** Answers messages named `name` with `script`. */
  on(name: string, script: Script): this {
    this.scripts.set(name, script);
    return this;
  }

  /** The received messages named `name`. */
  receivedNamed(name: string): Wire[] {
    return this.received.filter((m) => NAMES[m[0] as number] === name);
  }

  /** A fresh router-scope id (subscription, registration, publication). */
  nextId(): number {
    return this.#nextId++;
  }

  #receive(frame: Frame): void {
    const message = this.#serializer.decode(frame).toArray();
    if (this.record) this.received.push(message);
    const name = NAMES[message[0] as number] ?? String(message[0]);
    const script = this.scripts.get(name) ?? DEFAULTS[name];
    const replies = script?.(message, this);
    if (replies) for (const reply of replies) this.send(reply);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.done()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Resolves once `done()` holds, checked now and after every message the router receives. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ done, resolve }));
  }

  /** Stops listening. */
  dispose(): void {
    this.#subscription.unsubscribe();
  }
}

const DEFAULTS: Record<string, Script> = {
  HELLO: (_m, r) => [[2, r.sessionId, { roles: r.roles, authid: 'anon', authrole: 'anonymous' }]],
  GOODBYE: (m) => (m[2] === 'wamp.close.goodbye_and_out' ? [] : [[6, {}, 'wamp.close.goodbye_and_out']]),
  SUBSCRIBE: (m, r) => [[33, m[1], r.nextId()]],
  UNSUBSCRIBE: (m) => [[35, m[1]]],
  REGISTER: (m, r) => [[65, m[1], r.nextId()]],
  UNREGISTER: (m) => [[67, m[1]]],
  PUBLISH: (m, r) => ((m[2] as Dict)['acknowledge'] === true ? [[17, m[1], r.nextId()]] : []),
};

/** A loopback connection with a scripted router on the far end: the client end and the router. */
export function scriptedConnection(protocol = 'wamp.2.json'): { transport: Transport; router: ScriptedRouter } {
  const [client, server] = loopbackPair(protocol);
  return { transport: client, router: new ScriptedRouter(server) };
}
