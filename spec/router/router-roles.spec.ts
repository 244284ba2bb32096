import { ROUTER_ROLES } from '../../src/router/router-roles.js';

/** The feature keys the WAMP spec's Advanced Profile defines for each router role (see WAMP-NOTES.md). */
const SPEC_FEATURES: Record<'broker' | 'dealer', readonly string[]> = {
  broker: [
    'publisher_identification', 'publisher_exclusion', 'subscriber_blackwhite_listing', 'pattern_based_subscription', 'publication_trustlevels',
    'event_retention', 'event_history', 'subscription_revocation', 'session_meta_api', 'subscription_meta_api', 'testament_meta_api', 'payload_passthru_mode',
  ],
  dealer: [
    'caller_identification', 'call_trustlevels', 'pattern_based_registration', 'shared_registration', 'call_timeout', 'call_canceling',
    'progressive_call_results', 'progressive_call_invocations', 'registration_revocation', 'session_meta_api', 'registration_meta_api',
    'testament_meta_api', 'payload_passthru_mode',
  ],
};

describe('ROUTER_ROLES', () => {
  it('announces exactly the broker and dealer features the router implements (public contract)', () => {
    expect(ROUTER_ROLES).toEqual({
      broker: {
        features: {
          publisher_identification: true,
          publisher_exclusion: true,
          subscriber_blackwhite_listing: true,
          pattern_based_subscription: true,
          event_retention: true,
          event_history: true,
          subscription_revocation: true,
          session_meta_api: true,
          subscription_meta_api: true,
          testament_meta_api: true,
          payload_passthru_mode: true,
        },
      },
      dealer: {
        features: {
          caller_identification: true,
          pattern_based_registration: true,
          shared_registration: true,
          call_timeout: true,
          call_canceling: true,
          progressive_call_results: true,
          progressive_call_invocations: true,
          registration_revocation: true,
          session_meta_api: true,
          registration_meta_api: true,
          testament_meta_api: true,
          payload_passthru_mode: true,
        },
      },
    });
  });

  it('names every feature as the WAMP spec does (no misspelt or legacy keys)', () => {
    for (const role of ['broker', 'dealer'] as const) {
      const features = Object.keys((ROUTER_ROLES[role] as { features: object }).features);
      expect(features.filter((f) => !SPEC_FEATURES[role].includes(f))).withContext(role).toEqual([]);
    }
  });
});
