import fc from 'fast-check';
import { expectAsyncProperty } from '../support/property-check.js';
import type { Subscription } from 'rxjs';
import { messageFromArray } from '../../src/protocol/message.js';
import type { AllRouterLimits } from '../../src/router/limits.js';
import { Router } from '../../src/router/router.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import { ALL_CLIENT_ROLES } from '../support/raw-peer.js';

const json = new JsonSerializer();
const TOPICS = ['com.a', 'com.a.b', 'com.b', 'wamp.session.on_leave', 'wamp.session.on_join'];
const PROCEDURES = ['com.p', 'com.p.q', 'com.r'];
/** Message types whose effects the fuzz peers track; random frames that parse as one of these are not sent. */
const TRACKED = new Set([8, 32, 34, 48, 49, 64, 66, 70]);

/**
 * A fuzzing peer: sends what the commands say and checks everything the router sends it
 * against what this session itself was told (its subscriptions, registrations, calls).
 */
class FuzzPeer {
  readonly token: string;
  readonly subscriptions = new Set<number>();
  readonly registrations = new Set<number>();
  /** Outstanding CALLs by request id. */
  readonly calls = new Set<number>();
  /** INVOCATIONs received and not yet answered: request id → arguments. */
  readonly invocations = new Map<number, unknown>();
  readonly #unsubscribing = new Map<number, number>();
  readonly #unregistering = new Map<number, number>();
  readonly #connection: Subscription;
  readonly #send: (frame: string) => void;
  readonly #close: () => void;
  joined = false;
  closed = false;
  nextRequest = 1;

  constructor(
    router: Router,
    serial: number,
    readonly violations: string[],
  ) {
    this.token = `peer-${serial}`;
    const [routerEnd, peerEnd] = loopbackPair('wamp.2.json');
    router.attach(routerEnd);
    this.#send = (frame) => peerEnd.outgoing.next(frame);
    this.#close = () => peerEnd.outgoing.complete();
    this.#connection = peerEnd.incoming$.subscribe({
      next: (frame) => this.#receive(json.decode(frame).toArray()),
      error: () => (this.closed = true),
      complete: () => (this.closed = true),
    });
    this.send([1, 'realm1', { roles: ALL_CLIENT_ROLES }]);
  }

  get usable(): boolean {
    return this.joined && !this.closed;
  }

  send(message: unknown[]): void {
    this.#send(json.encode(messageFromArray(message)) as string);
  }

  sendText(text: string): void {
    this.#send(text);
  }

  request(): number {
    return this.nextRequest++;
  }

  unsubscribe(id: number): void {
    const request = this.request();
    this.#unsubscribing.set(request, id);
    this.send([34, request, id]);
  }

  unregister(id: number): void {
    const request = this.request();
    this.#unregistering.set(request, id);
    this.send([66, request, id]);
  }

  cut(): void {
    this.#close();
    this.#connection.unsubscribe();
    this.closed = true;
  }

  #violation(what: string, message: unknown[]): void {
    this.violations.push(`${this.token}: ${what}: ${JSON.stringify(message)}`);
  }

  #receive(m: unknown[]): void {
    switch (m[0]) {
      case 2:
        this.joined = true;
        return;
      case 3:
        this.closed = true;
        return;
      case 6:
        if (m[2] !== 'wamp.close.goodbye_and_out') this.send([6, {}, 'wamp.close.goodbye_and_out']);
        this.closed = true;
        return;
      case 33:
        this.subscriptions.add(m[2] as number);
        return;
      case 35: {
        const details = (m[2] ?? {}) as Record<string, unknown>;
        const id = m[1] === 0 ? (details['subscription'] as number) : this.#unsubscribing.get(m[1] as number);
        this.#unsubscribing.delete(m[1] as number);
        if (id !== undefined) this.subscriptions.delete(id);
        return;
      }
      case 36:
        if (!this.subscriptions.has(m[1] as number)) this.#violation('EVENT for a subscription this session does not hold', m);
        return;
      case 65:
        this.registrations.add(m[2] as number);
        return;
      case 67: {
        const details = (m[2] ?? {}) as Record<string, unknown>;
        const id = m[1] === 0 ? (details['registration'] as number) : this.#unregistering.get(m[1] as number);
        this.#unregistering.delete(m[1] as number);
        if (id !== undefined) this.registrations.delete(id);
        return;
      }
      case 68:
        if (!this.registrations.has(m[2] as number)) this.#violation('INVOCATION for a registration this session does not hold', m);
        this.invocations.set(m[1] as number, m[4]);
        return;
      case 69:
        this.invocations.delete(m[1] as number);
        return;
      case 50: {
        const request = m[1] as number;
        if (!this.calls.has(request)) this.#violation('RESULT for a call this session does not have', m);
        else if (m[3] !== undefined && JSON.stringify(m[3]) !== JSON.stringify([this.token, request])) this.#violation('RESULT carrying another call’s arguments', m);
        if ((m[2] as Record<string, unknown>)['progress'] !== true) this.calls.delete(request);
        return;
      }
      case 8:
        if (m[1] === 48) {
          if (!this.calls.has(m[2] as number)) this.#violation('ERROR for a call this session does not have', m);
          this.calls.delete(m[2] as number);
        }
        return;
    }
  }
}

type Command =
  | { readonly kind: 'subscribe'; readonly slot: number; readonly topic: string; readonly match: 'exact' | 'prefix' }
  | { readonly kind: 'unsubscribe'; readonly slot: number; readonly pick: number; readonly guess: boolean }
  | { readonly kind: 'publish'; readonly slot: number; readonly topic: string; readonly excludeMe: boolean }
  | { readonly kind: 'register'; readonly slot: number; readonly procedure: string; readonly shared: boolean }
  | { readonly kind: 'unregister'; readonly slot: number; readonly pick: number; readonly guess: boolean }
  | { readonly kind: 'call'; readonly slot: number; readonly procedure: string; readonly reuse: boolean; readonly progress: boolean }
  | { readonly kind: 'answer'; readonly slot: number; readonly pick: number; readonly guess: number | undefined; readonly how: 'yield' | 'progress' | 'error' }
  | { readonly kind: 'cancel'; readonly slot: number; readonly pick: number; readonly mode: 'skip' | 'kill' | 'killnowait' }
  | { readonly kind: 'raw'; readonly slot: number; readonly frame: string }
  | { readonly kind: 'leave'; readonly slot: number; readonly how: 'goodbye' | 'cut' };

const SLOTS = 3;
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const pick = fc.nat(20);
/** JSON values of modest size, for the fields of random (mostly invalid) messages. */
const junk = fc.oneof(
  fc.integer({ min: -3, max: 2 ** 53 + 2 }),
  fc.constantFrom(0, 1, 2, 1.5, -1, 2 ** 53, 2 ** 53 + 2),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('com.a', 'com.p', 'wamp.x', '', '..', 'com..a'),
  fc.constant(null),
  fc.boolean(),
  fc.dictionary(fc.constantFrom('match', 'acknowledge', 'progress', 'exclude', 'eligible', 'mode', 'timeout', 'x'), fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 4 }), fc.array(fc.integer(), { maxLength: 2 })), { maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const code = fc.constantFrom(1, 2, 3, 4, 5, 6, 8, 16, 17, 32, 33, 34, 35, 36, 48, 49, 50, 64, 65, 66, 67, 68, 69, 70, 337, 7, 999, -1);
const rawFrame = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(code, fc.array(junk, { maxLength: 6 })).map(([c, rest]) => JSON.stringify([c, ...rest])) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('[', '[]', '{}', 'null', '"x"', '[16]', '[48,1,{},"com.p",{}]') },
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), slot, topic: fc.constantFrom(...TOPICS), match: fc.constantFrom('exact' as const, 'prefix' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), slot, pick, guess: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('publish' as const), slot, topic: fc.constantFrom(...TOPICS.slice(0, 3), 'com.a.b.c'), excludeMe: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('register' as const), slot, procedure: fc.constantFrom(...PROCEDURES), shared: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unregister' as const), slot, pick, guess: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('call' as const), slot, procedure: fc.constantFrom(...PROCEDURES, 'com.none'), reuse: fc.boolean(), progress: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('answer' as const), slot, pick, guess: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }), how: fc.constantFrom('yield' as const, 'progress' as const, 'error' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), slot, pick, mode: fc.constantFrom('skip' as const, 'kill' as const, 'killnowait' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), slot, frame: rawFrame }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), slot, how: fc.constantFrom('goodbye' as const, 'cut' as const) }) },
);

function nth<T>(items: Iterable<T>, index: number): T | undefined {
  const all = [...items];
  return all.length === 0 ? undefined : all[index % all.length];
}

/** Runs one command on the peer in its slot (joining a fresh peer there if the old one is gone). */
function run(peer: FuzzPeer, c: Command): void {
  switch (c.kind) {
    case 'subscribe':
      return peer.send([32, peer.request(), { match: c.match }, c.topic]);
    case 'unsubscribe': {
      const id = c.guess ? 1 + c.pick : nth(peer.subscriptions, c.pick);
      if (id !== undefined) peer.unsubscribe(id);
      return;
    }
    case 'publish':
      return peer.send([16, peer.request(), { exclude_me: c.excludeMe, acknowledge: true }, c.topic, [peer.token]]);
    case 'register':
      return peer.send([64, peer.request(), c.shared ? { invoke: 'roundrobin' } : {}, c.procedure]);
    case 'unregister': {
      const id = c.guess ? 1 + c.pick : nth(peer.registrations, c.pick);
      if (id !== undefined) peer.unregister(id);
      return;
    }
    case 'call': {
      const reused = c.reuse ? nth(peer.calls, 0) : undefined;
      const request = reused ?? peer.request();
      peer.calls.add(request);
      const options = c.progress ? { receive_progress: true } : {};
      return peer.send([48, request, options, c.procedure, [peer.token, request]]);
    }
    case 'answer': {
      const genuine = c.guess === undefined ? nth(peer.invocations.keys(), c.pick) : peer.invocations.has(c.guess) ? c.guess : undefined;
      const id = genuine ?? c.guess;
      if (id === undefined) return;
      // A genuine answer echoes the invocation's arguments; a guessed one forges others.
      const args = genuine !== undefined ? peer.invocations.get(genuine) : ['forged', peer.token];
      if (c.how === 'error') {
        peer.invocations.delete(id);
        return peer.send([8, 68, id, {}, 'com.error.failed']);
      }
      if (c.how === 'yield') peer.invocations.delete(id);
      return peer.send([70, id, c.how === 'progress' ? { progress: true } : {}, args]);
    }
    case 'cancel': {
      const request = nth(peer.calls, c.pick);
      if (request !== undefined) peer.send([49, request, { mode: c.mode }]);
      return;
    }
    case 'raw': {
      let parsed: { code: number } | undefined;
      try {
        parsed = messageFromArray(JSON.parse(c.frame));
      } catch {
        parsed = undefined;
      }
      // Valid messages of the tracked kinds come from the other commands, with bookkeeping.
      if (parsed !== undefined && TRACKED.has(parsed.code)) return;
      return peer.sendText(c.frame);
    }
    case 'leave':
      if (c.how === 'cut') return peer.cut();
      return peer.send([6, {}, 'wamp.close.close_realm']);
  }
}

/** Joins two fresh sessions and checks that a publication and a call go through. */
function expectServing(router: Router): void {
  const violations: string[] = [];
  const a = new FuzzPeer(router, -1, violations);
  const b = new FuzzPeer(router, -2, violations);
  expect(a.usable && b.usable).withContext('fresh sessions are welcomed').toBeTrue();
  a.send([32, a.request(), {}, 'com.fresh']);
  b.send([64, b.request(), {}, 'com.fresh.rpc']);
  expect(a.subscriptions.size).withContext('subscribed').toBe(1);
  expect(b.registrations.size).withContext('registered').toBe(1);
  const request = a.request();
  a.calls.add(request);
  a.send([48, request, {}, 'com.fresh.rpc', [a.token, request]]);
  const [invocation, args] = [...b.invocations][0]!;
  b.send([70, invocation, {}, args]);
  expect(a.calls.size).withContext('the call got its result').toBe(0);
  expect(violations).toEqual([]);
  a.send([6, {}, 'wamp.close.close_realm']);
  b.cut();
}

describe('Router fuzzing', () => {
  it('keeps its invariants under random valid and invalid messages from several sessions, and keeps serving', async () => {
    let serial = 0;
    await expectAsyncProperty(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 80 }), async (commands) => {
        const limits: AllRouterLimits = { goodbyeTimeoutMs: 10, maxPendingCallsPerSession: 8, maxSubscriptionsPerSession: 6, maxRegistrationsPerSession: 3 };
        const router = new Router({ realms: [{ name: 'realm1' }], limits });
        const violations: string[] = [];
        const slots: FuzzPeer[] = [];
        for (let i = 0; i < SLOTS; i++) slots.push(new FuzzPeer(router, serial++, violations));
        for (const c of commands) {
          let peer = slots[c.slot]!;
          if (!peer.usable) slots[c.slot] = peer = new FuzzPeer(router, serial++, violations);
          run(peer, c);
        }
        expect(violations).toEqual([]);
        for (const peer of slots) if (!peer.closed) peer.cut();
        const realm = router.realm('realm1')!;
        expect(router.sessionCount).toBe(0);
        expect(realm.sessionCount).toBe(0);
        expect(realm.subscriptions.size).toBe(0);
        expect(realm.registrations.size).toBe(0);
        expectServing(router);
        await router.close();
        return violations.length === 0;
      }),
      { numRuns: 300 },
    );
  });
});
