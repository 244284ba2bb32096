import type { RolesAnnouncement } from '../protocol/features.js';

/**
 * The roles and Advanced Profile features an rxwamp client announces in HELLO: exactly
 * what src/session implements, no more.
 */
export const CLIENT_ROLES: RolesAnnouncement = {
  publisher: {
    features: { publisher_identification: true, subscriber_blackwhite_listing: true, publisher_exclusion: true, payload_passthru_mode: true },
  },
  subscriber: {
    features: {
      publisher_identification: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
      event_retention: true,
      payload_passthru_mode: true,
    },
  },
  caller: {
    features: {
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      payload_passthru_mode: true,
    },
  },
  callee: {
    features: {
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      call_canceling: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      registration_revocation: true,
      payload_passthru_mode: true,
    },
  },
};

/** The agent string sent in HELLO.Details.agent. */
export const CLIENT_AGENT = 'rxwamp-0.1';
