import { randomId } from '../protocol/ids.js';
import { PatternIndex } from '../protocol/pattern-index.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { RealmSession } from './realm-session.js';

/** How the dealer picks among the callees of a shared registration. */
export type InvocationPolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

/** One callee of a registration. */
export interface Callee {
  readonly session: RealmSession;
  /** REGISTER.Options.disclose_caller: the callee always learns who calls. */
  readonly discloseCaller: boolean;
}

/** One dealer registration: a procedure pattern, its policy, and its callees in the order they registered. */
export interface Registration {
  readonly id: number;
  readonly procedure: string;
  readonly match: MatchPolicy;
  readonly invoke: InvocationPolicy;
  /** ISO 8601 time of creation, for the meta API. */
  readonly created: string;
  readonly callees: Callee[];
  /** The round-robin cursor. */
  next: number;
}

/**
 * The dealer's registrations, indexed by pattern (exact > longest prefix > wildcard, in
 * time independent of their number), by id and by session. Read by the meta API;
 * written only by the dealer stage.
 */
export class RegistrationStore {
  readonly #index = new PatternIndex<Registration>();
  readonly #byId = new Map<number, Registration>();
  readonly #bySession = new Map<RealmSession, Set<Registration>>();

  /** Number of registrations. */
  get size(): number {
    return this.#byId.size;
  }

  /** Number of sessions holding at least one registration. */
  get sessionCount(): number {
    return this.#bySession.size;
  }

  /** The registration for exactly this (procedure, match), if any. */
  lookup(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.#index.get(procedure, match);
  }

  /** The registration a CALL of a concrete procedure goes to. */
  best(procedure: string): Registration | undefined {
    return this.#index.best(procedure)?.value;
  }

  /** Visits every registration whose pattern matches a concrete procedure. */
  forEachMatch(procedure: string, visit: (registration: Registration) => void): void {
    this.#index.forEachMatch(procedure, visit);
  }

  /** The registration with this id, if any. */
  byId(id: number): Registration | undefined {
    return this.#byId.get(id);
  }

  /** The registrations `session` is a callee of. */
  ofSession(session: RealmSession): ReadonlySet<Registration> {
    return this.#bySession.get(session) ?? EMPTY;
  }

  /** Every registration. */
  all(): IterableIterator<Registration> {
    return this.#byId.values();
  }

  /** Adds a callee; the caller has checked that the registration's policy allows it. */
  add(callee: Callee, procedure: string, match: MatchPolicy, invoke: InvocationPolicy): { registration: Registration; created: boolean } {
    let registration = this.#index.get(procedure, match);
    let created = false;
    if (registration === undefined) {
      registration = { id: this.freshId(), procedure, match, invoke, created: new Date().toISOString(), callees: [], next: 0 };
      this.#index.set(procedure, match, registration);
      this.#byId.set(registration.id, registration);
      created = true;
    }
    registration.callees.push(callee);
    let mine = this.#bySession.get(callee.session);
    if (mine === undefined) this.#bySession.set(callee.session, (mine = new Set()));
    mine.add(registration);
    return { registration, created };
  }

  /** Removes a callee; says whether the registration is now gone. */
  remove(session: RealmSession, registration: Registration): { removed: boolean; deleted: boolean } {
    const at = registration.callees.findIndex((c) => c.session === session);
    if (at < 0) return { removed: false, deleted: false };
    registration.callees.splice(at, 1);
    if (registration.next > at) registration.next--;
    const mine = this.#bySession.get(session);
    mine?.delete(registration);
    if (mine?.size === 0) this.#bySession.delete(session);
    if (registration.callees.length > 0) return { removed: true, deleted: false };
    this.#index.delete(registration.procedure, registration.match);
    this.#byId.delete(registration.id);
    return { removed: true, deleted: true };
  }

  /**
   * Makes the registration for (procedure, match) hold exactly `callees`, in that order,
   * under the cluster's id (a mirror of the cluster's registration); removes it when
   * `callees` is empty.
   */
  mirror(procedure: string, match: MatchPolicy, id: number, invoke: InvocationPolicy, created: string, callees: readonly Callee[]): void {
    let registration = this.#index.get(procedure, match);
    if (registration !== undefined && (callees.length === 0 || registration.id !== id || registration.invoke !== invoke)) {
      for (const callee of [...registration.callees]) this.remove(callee.session, registration);
      registration = undefined;
    }
    if (callees.length === 0) return;
    if (registration === undefined) {
      registration = { id, procedure, match, invoke, created, callees: [], next: 0 };
      this.#index.set(procedure, match, registration);
      this.#byId.set(id, registration);
    }
    const kept = new Set(callees.map((c) => c.session));
    for (const old of registration.callees) {
      if (kept.has(old.session)) continue;
      const mine = this.#bySession.get(old.session);
      mine?.delete(registration);
      if (mine?.size === 0) this.#bySession.delete(old.session);
    }
    registration.callees.splice(0, registration.callees.length, ...callees);
    if (registration.next >= callees.length) registration.next = 0;
    for (const callee of callees) {
      let mine = this.#bySession.get(callee.session);
      if (mine === undefined) this.#bySession.set(callee.session, (mine = new Set()));
      mine.add(registration);
    }
  }

  /** A registration id not in use here. */
  freshId(): number {
    let id = randomId();
    while (this.#byId.has(id)) id = randomId();
    return id;
  }
}

const EMPTY: ReadonlySet<Registration> = new Set();

/** Picks the callee of a registration for one call, per its invocation policy. */
export function pickCallee(registration: Registration): Callee | undefined {
  const callees = registration.callees;
  const n = callees.length;
  if (n === 0) return undefined;
  switch (registration.invoke) {
    case 'roundrobin': {
      const callee = callees[registration.next % n]!;
      registration.next = (registration.next + 1) % n;
      return callee;
    }
    case 'random':
      return callees[Math.floor(Math.random() * n)];
    case 'last':
      return callees[n - 1];
    default:
      return callees[0];
  }
}
