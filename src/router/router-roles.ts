import type { RolesAnnouncement } from '../protocol/features.js';

/** The roles and Advanced Profile features the rxwamp router announces in WELCOME. */
export const ROUTER_ROLES: RolesAnnouncement = {
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
};
