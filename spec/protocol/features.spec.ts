import { FEATURE_ALIASES, hasFeature, hasRole } from '../../src/protocol/features.js';
import type { RoleName, RolesAnnouncement } from '../../src/protocol/features.js';

describe('role and feature announcements', () => {
  const roles: RolesAnnouncement = {
    caller: { features: { call_canceling: true, progressive_call_results: true } },
    callee: { features: { call_cancelling: true, progressive_calls: true, shared_registration: false } },
    subscriber: {},
    publisher: { features: { publisher_exclusion: true } },
    broker: { features: { pattern_based_subscription: true, subscription_revocation: true } },
    dealer: { features: { registration_revocation: true } },
  };

  it('types all six roles', () => {
    const all: RoleName[] = ['publisher', 'subscriber', 'caller', 'callee', 'broker', 'dealer'];
    for (const role of all) expect(hasRole(roles, role)).withContext(role).toBeTrue();
  });

  it('hasFeature finds announced features', () => {
    expect(hasFeature(roles, 'caller', 'call_canceling')).toBeTrue();
    expect(hasFeature(roles, 'caller', 'progressive_call_results')).toBeTrue();
    expect(hasFeature(roles, 'broker', 'subscription_revocation')).toBeTrue();
    expect(hasFeature(roles, 'dealer', 'registration_revocation')).toBeTrue();
  });

  it('hasFeature is false for features not announced, false, or under another role', () => {
    expect(hasFeature(roles, 'caller', 'call_timeout')).toBeFalse();
    expect(hasFeature(roles, 'callee', 'shared_registration')).toBeFalse();
    expect(hasFeature(roles, 'subscriber', 'pattern_based_subscription')).toBeFalse();
    expect(hasFeature(roles, 'dealer', 'subscription_revocation')).toBeFalse();
  });

  it('hasFeature accepts the older spellings', () => {
    expect(FEATURE_ALIASES['call_cancelling']).toBe('call_canceling');
    expect(hasFeature(roles, 'callee', 'call_canceling')).toBeTrue();
    expect(hasFeature(roles, 'callee', 'progressive_call_invocations')).toBeTrue();
  });

  it('the alias table (exported) names each older spelling and the feature it stands for', () => {
    expect(FEATURE_ALIASES).toEqual({
      call_cancelling: 'call_canceling',
      progressive_calls: 'progressive_call_invocations',
      procedure_reflection: 'procedure_reflection',
      topic_reflection: 'topic_reflection',
      sharded_subscription: 'sharded_subscription',
    });
    // An alias stands only for its own feature: an announced reflection says nothing about a feature of no name.
    expect(hasFeature({ dealer: { features: { procedure_reflection: true } } }, 'dealer', 'procedure_reflection')).toBeTrue();
    expect(hasFeature({ dealer: { features: { procedure_reflection: true } } }, 'dealer', '')).toBeFalse();
  });

  it('hasFeature and hasRole never throw on malformed announcements', () => {
    for (const bad of [undefined, null, 1, 'x', [], { caller: null }, { caller: 1 }, { caller: { features: null } }, { caller: { features: 'x' } }]) {
      expect(hasFeature(bad, 'caller', 'call_canceling')).withContext(JSON.stringify(bad)).toBeFalse();
    }
    expect(hasFeature({ caller: { features: { call_canceling: 'yes' } } }, 'caller', 'call_canceling')).toBeFalse();
    expect(hasRole(null, 'caller')).toBeFalse();
    expect(hasRole({ caller: null }, 'caller')).toBeFalse();
    expect(hasRole({ caller: {} }, 'callee')).toBeFalse();
    for (const bad of [undefined, 1, 'caller', true]) expect(hasRole(bad, 'caller')).withContext(String(bad)).toBeFalse();
  });
});
