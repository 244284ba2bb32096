import { isId } from '../../src/protocol/ids.js';
import { pickCallee, RegistrationStore } from '../../src/router/registration-store.js';
import type { Callee, InvocationPolicy, Registration } from '../../src/router/registration-store.js';
import { drawNext } from '../support/random-words.js';
import { StageSession } from '../support/stage-harness.js';

const a = new StageSession('a', 1);
const b = new StageSession('b', 2);
const c = new StageSession('c', 3);
const d = new StageSession('d', 4);

function callee(session: StageSession, discloseCaller = false): Callee {
  return { session, discloseCaller };
}

/** The names of the sessions `count` successive calls go to. */
function picks(registration: Registration, count: number): string[] {
  return Array.from({ length: count }, () => (pickCallee(registration)?.session as StageSession | undefined)?.name ?? '-');
}

/** A registration shared by a, b and c, in that order. */
function shared(store: RegistrationStore, invoke: InvocationPolicy, procedure = 'com.p'): Registration {
  for (const s of [a, b, c]) store.add(callee(s), procedure, 'exact', invoke);
  return store.lookup(procedure, 'exact')!;
}

describe('RegistrationStore', () => {
  let store: RegistrationStore;
  beforeEach(() => (store = new RegistrationStore()));

  describe('add', () => {
    it('creates a registration with a fresh id for the first callee, and shares it with the next ones', () => {
      const before = Date.now();
      const first = store.add(callee(a, true), 'com.p', 'exact', 'roundrobin');
      expect(first.created).toBeTrue();
      const registration = first.registration;
      expect(isId(registration.id)).toBeTrue();
      expect(registration).toEqual({ id: registration.id, procedure: 'com.p', match: 'exact', invoke: 'roundrobin', created: jasmine.any(String), callees: [callee(a, true)], next: 0 });
      expect(Date.parse(registration.created)).toBeGreaterThanOrEqual(before - 1);
      const second = store.add(callee(b), 'com.p', 'exact', 'roundrobin');
      expect(second).toEqual({ registration, created: false });
      expect(registration.callees).toEqual([callee(a, true), callee(b)]);
      expect([store.size, store.sessionCount]).toEqual([1, 2]);
    });

    it('indexes registrations by pattern, id and session', () => {
      const exact = store.add(callee(a), 'com.x.y', 'exact', 'single').registration;
      const prefix = store.add(callee(a), 'com.x', 'prefix', 'single').registration;
      const wildcard = store.add(callee(b), 'com..y', 'wildcard', 'single').registration;
      // One procedure URI under two policies is two registrations.
      const exactX = store.add(callee(b), 'com.x', 'exact', 'single').registration;
      expect(new Set([exact.id, prefix.id, wildcard.id, exactX.id]).size).toBe(4);
      expect([store.lookup('com.x.y', 'exact'), store.lookup('com.x', 'prefix'), store.lookup('com..y', 'wildcard'), store.lookup('com.x', 'exact')]).toEqual([exact, prefix, wildcard, exactX]);
      expect(store.lookup('com.x.y', 'prefix')).toBeUndefined();
      expect([store.byId(exact.id), store.byId(wildcard.id), store.byId(exact.id + 1)]).toEqual([exact, wildcard, undefined]);
      expect([...store.ofSession(a)]).toEqual([exact, prefix]);
      expect([...store.ofSession(b)]).toEqual([wildcard, exactX]);
      expect(store.ofSession(c).size).toBe(0);
      expect([...store.all()]).toEqual([exact, prefix, wildcard, exactX]);
      expect([store.size, store.sessionCount]).toEqual([4, 2]);
    });

    it('routes a call to the exact registration, else the longest prefix, else a wildcard; forEachMatch visits all that match', () => {
      const wildcard = store.add(callee(a), 'com..y', 'wildcard', 'single').registration;
      const short = store.add(callee(a), 'com', 'prefix', 'single').registration;
      const long = store.add(callee(a), 'com.x', 'prefix', 'single').registration;
      const exact = store.add(callee(a), 'com.x.y', 'exact', 'single').registration;
      expect([store.best('com.x.y'), store.best('com.x.z'), store.best('com.w.y'), store.best('org.x.y')]).toEqual([exact, long, short, undefined]);
      const visited: Registration[] = [];
      store.forEachMatch('com.x.y', (r) => visited.push(r));
      expect(visited).toEqual([exact, long, short, wildcard]);
      visited.length = 0;
      store.forEachMatch('org.x.y', (r) => visited.push(r));
      expect(visited).toEqual([]);
    });

    it('draws another id when the one drawn is taken', () => {
      drawNext([7, 7, 9]);
      const first = store.add(callee(a), 'com.p', 'exact', 'single').registration;
      const second = store.add(callee(a), 'com.q', 'exact', 'single').registration;
      expect([first.id, second.id]).toEqual([7, 9]);
      expect([store.byId(7), store.byId(9), store.size]).toEqual([first, second, 2]);
    });

    it('freshId avoids the ids in use', () => {
      drawNext([5, 5, 8]);
      expect(store.add(callee(a), 'com.p', 'exact', 'single').registration.id).toBe(5);
      expect(store.freshId()).toBe(8);
    });
  });

  describe('remove', () => {
    it('removes the given callee, keeping the others in order, and says the registration stays', () => {
      const registration = shared(store, 'first');
      expect(store.remove(b, registration)).toEqual({ removed: true, deleted: false });
      expect(registration.callees).toEqual([callee(a), callee(c)]);
      expect(store.ofSession(b).size).toBe(0);
      expect([store.size, store.sessionCount]).toEqual([1, 2]);
      expect(store.lookup('com.p', 'exact')).toBe(registration);
    });

    it('deletes the registration with its last callee', () => {
      const registration = store.add(callee(a), 'com.p', 'prefix', 'single').registration;
      expect(store.remove(a, registration)).toEqual({ removed: true, deleted: true });
      expect([store.lookup('com.p', 'prefix'), store.byId(registration.id), store.best('com.p.q'), store.size, store.sessionCount]).toEqual([undefined, undefined, undefined, 0, 0]);
      expect(store.ofSession(a).size).toBe(0);
    });

    it('keeps the other registrations of the session', () => {
      const p = store.add(callee(a), 'com.p', 'exact', 'single').registration;
      const q = store.add(callee(a), 'com.q', 'exact', 'single').registration;
      store.remove(a, p);
      expect([...store.ofSession(a)]).toEqual([q]);
      expect(store.sessionCount).toBe(1);
    });

    it('changes nothing for a session that is not a callee', () => {
      const registration = store.add(callee(a), 'com.p', 'exact', 'single').registration;
      store.add(callee(b), 'com.q', 'exact', 'single');
      expect(store.remove(b, registration)).toEqual({ removed: false, deleted: false });
      expect(registration.callees).toEqual([callee(a)]);
      expect([store.size, store.sessionCount]).toEqual([2, 2]);
    });

    it('keeps the round-robin turn on the callee that was next when one before it leaves', () => {
      const registration = shared(store, 'roundrobin');
      store.add(callee(d), 'com.p', 'exact', 'roundrobin');
      expect(picks(registration, 3)).toEqual(['a', 'b', 'c']);
      store.remove(a, registration);
      expect(picks(registration, 4)).toEqual(['d', 'b', 'c', 'd']);
    });

    it('passes the round-robin turn to the callee after the one next in turn when that one leaves', () => {
      const registration = shared(store, 'roundrobin');
      expect(picks(registration, 1)).toEqual(['a']);
      store.remove(b, registration);
      expect(picks(registration, 3)).toEqual(['c', 'a', 'c']);
    });

    it('keeps the round-robin turn when a callee after it leaves', () => {
      const registration = shared(store, 'roundrobin');
      store.remove(c, registration);
      expect(picks(registration, 3)).toEqual(['a', 'b', 'a']);
    });
  });

  describe('mirror (a cluster registration)', () => {
    it('creates the registration under the cluster id, with the callees in order', () => {
      store.mirror('com.p', 'prefix', 42, 'last', '2024-01-01T00:00:00.000Z', [callee(b), callee(a, true)]);
      const registration = store.lookup('com.p', 'prefix')!;
      expect(registration).toEqual({ id: 42, procedure: 'com.p', match: 'prefix', invoke: 'last', created: '2024-01-01T00:00:00.000Z', callees: [callee(b), callee(a, true)], next: 0 });
      expect([store.byId(42), store.best('com.p.x')]).toEqual([registration, registration]);
      expect([[...store.ofSession(a)], [...store.ofSession(b)], store.sessionCount]).toEqual([[registration], [registration], 2]);
    });

    it('updates the same registration in place: its creation time, its round-robin turn and the order of the callees’ registrations stay', () => {
      store.mirror('com.p', 'exact', 42, 'roundrobin', 'T1', [callee(a), callee(b), callee(c)]);
      const registration = store.lookup('com.p', 'exact')!;
      const other = store.add(callee(a), 'com.other', 'exact', 'single').registration;
      expect(picks(registration, 1)).toEqual(['a']);
      store.mirror('com.p', 'exact', 42, 'roundrobin', 'T2', [callee(a), callee(b), callee(c, true)]);
      expect(store.lookup('com.p', 'exact')).toBe(registration);
      expect(registration.created).toBe('T1');
      expect(registration.callees).toEqual([callee(a), callee(b), callee(c, true)]);
      expect(picks(registration, 1)).toEqual(['b']);
      expect([...store.ofSession(a)]).toEqual([registration, other]);
      expect(store.sessionCount).toBe(3);
    });

    it('forgets the callees that are no longer in the list, whatever else they hold', () => {
      const other = store.add(callee(c), 'com.other', 'exact', 'single').registration;
      store.mirror('com.p', 'exact', 42, 'first', 'T', [callee(a), callee(b), callee(c)]);
      const registration = store.lookup('com.p', 'exact')!;
      store.mirror('com.p', 'exact', 42, 'first', 'T', [callee(a)]);
      expect(registration.callees).toEqual([callee(a)]);
      expect([[...store.ofSession(a)], store.ofSession(b).size, [...store.ofSession(c)]]).toEqual([[registration], 0, [other]]);
      expect(store.sessionCount).toBe(2);
    });

    it('starts the round-robin over when the turn falls past the end of a shorter list', () => {
      store.mirror('com.p', 'exact', 42, 'roundrobin', 'T', [callee(a), callee(b), callee(c)]);
      const registration = store.lookup('com.p', 'exact')!;
      expect(picks(registration, 2)).toEqual(['a', 'b']);
      store.mirror('com.p', 'exact', 42, 'roundrobin', 'T', [callee(a), callee(b)]);
      expect(picks(registration, 3)).toEqual(['a', 'b', 'a']);
    });

    it('replaces the registration when the cluster id changes', () => {
      store.mirror('com.p', 'exact', 42, 'first', 'T1', [callee(a), callee(b)]);
      store.mirror('com.p', 'exact', 43, 'first', 'T2', [callee(b)]);
      const registration = store.lookup('com.p', 'exact')!;
      expect(registration).toEqual({ id: 43, procedure: 'com.p', match: 'exact', invoke: 'first', created: 'T2', callees: [callee(b)], next: 0 });
      expect([store.byId(42), store.byId(43), store.size]).toEqual([undefined, registration, 1]);
      expect([store.ofSession(a).size, [...store.ofSession(b)], store.sessionCount]).toEqual([0, [registration], 1]);
    });

    it('replaces the registration when the invocation policy changes', () => {
      store.mirror('com.p', 'exact', 42, 'first', 'T1', [callee(a), callee(b)]);
      const old = store.lookup('com.p', 'exact')!;
      store.mirror('com.p', 'exact', 42, 'last', 'T2', [callee(a), callee(b)]);
      const registration = store.lookup('com.p', 'exact')!;
      expect(registration).not.toBe(old);
      expect([registration.invoke, registration.created, store.byId(42)]).toEqual(['last', 'T2', registration]);
      expect(picks(registration, 1)).toEqual(['b']);
    });

    it('removes the registration when no callee is left, and does nothing for one that does not exist', () => {
      store.mirror('com.p', 'exact', 42, 'first', 'T', [callee(a), callee(b)]);
      store.mirror('com.p', 'exact', 42, 'first', 'T', []);
      expect([store.lookup('com.p', 'exact'), store.byId(42), store.size, store.sessionCount]).toEqual([undefined, undefined, 0, 0]);
      store.mirror('com.q', 'exact', 43, 'first', 'T', []);
      expect([store.lookup('com.q', 'exact'), store.size]).toEqual([undefined, 0]);
    });

    it('adds the mirrored registration to what a session already holds', () => {
      const own = store.add(callee(a), 'com.own', 'exact', 'single').registration;
      store.mirror('com.p', 'exact', 42, 'first', 'T', [callee(a)]);
      expect([...store.ofSession(a)]).toEqual([own, store.byId(42)!]);
    });
  });
});

describe('pickCallee', () => {
  function registration(invoke: InvocationPolicy, sessions: StageSession[]): Registration {
    return { id: 1, procedure: 'com.p', match: 'exact', invoke, created: 'T', callees: sessions.map((s) => callee(s)), next: 0 };
  }

  it('gives single and first registrations to the first callee, last ones to the last', () => {
    expect(picks(registration('single', [a]), 2)).toEqual(['a', 'a']);
    expect(picks(registration('first', [a, b, c]), 2)).toEqual(['a', 'a']);
    expect(picks(registration('last', [a, b, c]), 2)).toEqual(['c', 'c']);
  });

  it('takes the callees of a round-robin registration in turn', () => {
    expect(picks(registration('roundrobin', [a, b, c]), 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('draws the callee of a random registration uniformly from Math.random', () => {
    spyOn(Math, 'random').and.returnValues(0, 0.34, 0.67, 0.999);
    expect(picks(registration('random', [a, b, c]), 4)).toEqual(['a', 'b', 'c', 'c']);
  });

  it('finds no callee when there is none, and leaves the round-robin turn alone', () => {
    const empty = registration('roundrobin', []);
    expect(pickCallee(empty)).toBeUndefined();
    expect(empty.next).toBe(0);
    empty.callees.push(callee(b));
    expect(picks(empty, 1)).toEqual(['b']);
    for (const invoke of ['single', 'first', 'last', 'random'] as const) expect(pickCallee(registration(invoke, []))).toBeUndefined();
  });
});
