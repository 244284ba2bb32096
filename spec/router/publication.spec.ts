import type { Fanout, Routed } from '../../src/router/routed.js';
import { eligibilityOf, emitEvents, isEligible } from '../../src/router/publication.js';
import type { Publication } from '../../src/router/publication.js';
import { SubscriptionStore } from '../../src/router/subscription-store.js';
import { StageSession } from '../support/stage-harness.js';

// Sessions 1-4: authids alice, bob, alice, carol; authroles user, admin, admin, user.
const s1 = new StageSession('s1', 1, 'alice', 'user');
const s2 = new StageSession('s2', 2, 'bob', 'admin');
const s3 = new StageSession('s3', 3, 'alice', 'admin');
const s4 = new StageSession('s4', 4, 'carol', 'user');
const all = [s1, s2, s3, s4];

/** The names of the sessions a filter lets receive an event. */
function receivers(options: Record<string, unknown>): string[] {
  const e = eligibilityOf(options)!;
  return all.filter((s) => isEligible(s, e)).map((s) => s.name);
}

describe('eligibilityOf', () => {
  it('is undefined when a PUBLISH asks for no receiver filter', () => {
    expect(eligibilityOf({})).toBeUndefined();
    expect(eligibilityOf({ acknowledge: true, exclude_me: false, disclose_me: true, retain: true })).toBeUndefined();
  });

  it('reads every filter option, whichever is given', () => {
    expect(eligibilityOf({ eligible_authrole: ['user'] })).toEqual(jasmine.objectContaining({ eligibleAuthrole: ['user'], exclude: undefined }));
    const options = { exclude: [1], exclude_authid: ['a'], exclude_authrole: ['r'], eligible: [2], eligible_authid: ['b'], eligible_authrole: ['s'] };
    expect(eligibilityOf(options)).toEqual({ exclude: [1], excludeAuthid: ['a'], excludeAuthrole: ['r'], eligible: [2], eligibleAuthid: ['b'], eligibleAuthrole: ['s'] });
  });
});

describe('isEligible', () => {
  it('leaves out the sessions excluded by id, authid or authrole', () => {
    expect(receivers({ exclude: [2, 4] })).toEqual(['s1', 's3']);
    expect(receivers({ exclude_authid: ['alice'] })).toEqual(['s2', 's4']);
    expect(receivers({ exclude_authrole: ['admin'] })).toEqual(['s1', 's4']);
  });

  it('keeps only the sessions eligible by id, authid or authrole', () => {
    expect(receivers({ eligible: [2, 4] })).toEqual(['s2', 's4']);
    expect(receivers({ eligible_authid: ['alice', 'carol'] })).toEqual(['s1', 's3', 's4']);
    expect(receivers({ eligible_authrole: ['admin'] })).toEqual(['s2', 's3']);
    expect(receivers({ eligible: [] })).toEqual([]);
  });

  it('ANDs all the filters given', () => {
    expect(receivers({ eligible_authid: ['alice', 'bob'], eligible_authrole: ['admin'] })).toEqual(['s2', 's3']);
    expect(receivers({ eligible: [1, 2, 3], eligible_authid: ['alice', 'carol'] })).toEqual(['s1', 's3']);
    expect(receivers({ eligible: [1, 2, 3, 4], exclude: [3], exclude_authrole: ['user'] })).toEqual(['s2']);
    expect(receivers({ eligible_authrole: ['user'], exclude_authid: ['carol'] })).toEqual(['s1']);
  });
});

describe('emitEvents', () => {
  let store: SubscriptionStore;
  let emitted: Routed[];
  const emit = (routed: Routed): void => void emitted.push(routed);
  beforeEach(() => {
    store = new SubscriptionStore();
    emitted = [];
  });

  /** Each fanout emitted, as the names of its receivers (minus `except`) and its EVENT's fields. */
  function fanouts(): Array<{ to: string[]; except: string | undefined; fields: unknown; payload: unknown }> {
    return (emitted as Fanout[]).map((f) => ({
      to: [...f.sessions].map((s) => (s as StageSession).name),
      except: (f.except as StageSession | undefined)?.name,
      fields: f.message.fields,
      payload: f.message.payload,
    }));
  }

  const publication: Publication = { topic: 'com.x.y', id: 99, details: { publisher: 1 }, args: ['a'], kwargs: { k: 1 } };

  it('emits one EVENT per matching subscription, to all its subscribers; pattern subscriptions also learn the topic', () => {
    const exact = store.subscribe(s1, 'com.x.y', 'exact').subscription;
    store.subscribe(s2, 'com.x.y', 'exact');
    const prefix = store.subscribe(s3, 'com.x', 'prefix').subscription;
    const wildcard = store.subscribe(s4, 'com..y', 'wildcard').subscription;
    store.subscribe(s4, 'com.x.z', 'exact');
    emitEvents(store, publication, emit);
    expect(emitted.every((r) => r.kind === 'fanout' && r.message.name === 'EVENT')).toBeTrue();
    expect(fanouts()).toEqual([
      { to: ['s1', 's2'], except: undefined, fields: { Subscription: exact.id, Publication: 99, Details: { publisher: 1 }, Arguments: ['a'], ArgumentsKw: { k: 1 } }, payload: undefined },
      { to: ['s3'], except: undefined, fields: { Subscription: prefix.id, Publication: 99, Details: { publisher: 1, topic: 'com.x.y' }, Arguments: ['a'], ArgumentsKw: { k: 1 } }, payload: undefined },
      { to: ['s4'], except: undefined, fields: { Subscription: wildcard.id, Publication: 99, Details: { publisher: 1, topic: 'com.x.y' }, Arguments: ['a'], ArgumentsKw: { k: 1 } }, payload: undefined },
    ]);
    // The publication's own Details are not written to.
    expect(publication.details).toEqual({ publisher: 1 });
  });

  it('emits nothing when no subscription matches', () => {
    store.subscribe(s1, 'com.x', 'exact');
    emitEvents(store, publication, emit);
    expect(emitted).toEqual([]);
  });

  it('passes the receiver to leave out (the publisher, under exclude_me) and a transparent payload along', () => {
    store.subscribe(s1, 'com.x.y', 'exact');
    store.subscribe(s2, 'com.x.y', 'exact');
    emitEvents(store, { ...publication, args: undefined, kwargs: undefined, payload: 'opaque', except: s1 }, emit);
    expect(fanouts()).toEqual([{ to: ['s1', 's2'], except: 's1', fields: jasmine.objectContaining({ Arguments: undefined, ArgumentsKw: undefined }), payload: 'opaque' }]);
  });

  it('sends each subscription’s EVENT to its eligible subscribers only', () => {
    for (const s of all) store.subscribe(s, 'com.x.y', 'exact');
    store.subscribe(s2, 'com.x', 'prefix');
    store.subscribe(s4, 'com.x', 'prefix');
    emitEvents(store, { ...publication, eligibility: eligibilityOf({ eligible_authrole: ['admin'], exclude: [3] }) }, emit);
    expect(fanouts().map((f) => f.to)).toEqual([['s2'], ['s2']]);
  });
});
