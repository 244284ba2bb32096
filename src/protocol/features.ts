import type { Dict } from './dict.js';

/** The six WAMP roles. */
export type RoleName = 'publisher' | 'subscriber' | 'caller' | 'callee' | 'broker' | 'dealer';

/** Advanced Profile features a publisher may announce. */
export interface PublisherFeatures {
  publisher_identification?: boolean;
  subscriber_blackwhite_listing?: boolean;
  publisher_exclusion?: boolean;
  payload_passthru_mode?: boolean;
  x_acknowledged_event_delivery?: boolean;
}

/** Advanced Profile features a subscriber may announce. */
export interface SubscriberFeatures {
  publisher_identification?: boolean;
  pattern_based_subscription?: boolean;
  publication_trustlevels?: boolean;
  subscription_revocation?: boolean;
  event_history?: boolean;
  event_retention?: boolean;
  payload_passthru_mode?: boolean;
}

/** Advanced Profile features a caller may announce. */
export interface CallerFeatures {
  caller_identification?: boolean;
  call_canceling?: boolean;
  call_timeout?: boolean;
  progressive_call_results?: boolean;
  progressive_call_invocations?: boolean;
  payload_passthru_mode?: boolean;
}

/** Advanced Profile features a callee may announce. */
export interface CalleeFeatures {
  caller_identification?: boolean;
  call_trustlevels?: boolean;
  pattern_based_registration?: boolean;
  shared_registration?: boolean;
  call_canceling?: boolean;
  call_timeout?: boolean;
  progressive_call_results?: boolean;
  progressive_call_invocations?: boolean;
  registration_revocation?: boolean;
  payload_passthru_mode?: boolean;
}

/** Advanced Profile features a broker may announce. */
export interface BrokerFeatures {
  publisher_identification?: boolean;
  publication_trustlevels?: boolean;
  pattern_based_subscription?: boolean;
  subscription_meta_api?: boolean;
  subscriber_blackwhite_listing?: boolean;
  session_meta_api?: boolean;
  publisher_exclusion?: boolean;
  event_history?: boolean;
  event_retention?: boolean;
  subscription_revocation?: boolean;
  testament_meta_api?: boolean;
  payload_passthru_mode?: boolean;
  x_acknowledged_event_delivery?: boolean;
}

/** Advanced Profile features a dealer may announce. */
export interface DealerFeatures {
  caller_identification?: boolean;
  call_trustlevels?: boolean;
  pattern_based_registration?: boolean;
  registration_meta_api?: boolean;
  shared_registration?: boolean;
  session_meta_api?: boolean;
  call_timeout?: boolean;
  call_canceling?: boolean;
  progressive_call_results?: boolean;
  progressive_call_invocations?: boolean;
  registration_revocation?: boolean;
  testament_meta_api?: boolean;
  payload_passthru_mode?: boolean;
}

/** What each role's announcement may list under `features`. */
export interface RoleFeatures {
  publisher: PublisherFeatures;
  subscriber: SubscriberFeatures;
  caller: CallerFeatures;
  callee: CalleeFeatures;
  broker: BrokerFeatures;
  dealer: DealerFeatures;
}

/** One role's entry in `HELLO.Details.roles` / `WELCOME.Details.roles`. */
export interface RoleAnnouncement<R extends RoleName> {
  features?: RoleFeatures[R] & Dict;
}

/** The `roles` dictionary of HELLO (client roles) or WELCOME (router roles). */
export type RolesAnnouncement = { [R in RoleName]?: RoleAnnouncement<R> };

/**
 * Older names of features that some peers still announce; treated as the current name.
 * Also the spec's own second spelling of call canceling.
 */
export const FEATURE_ALIASES: Readonly<Record<string, string>> = {
  call_cancelling: 'call_canceling',
  progressive_calls: 'progressive_call_invocations',
  procedure_reflection: 'procedure_reflection',
  topic_reflection: 'topic_reflection',
  sharded_subscription: 'sharded_subscription',
};

/** Does the peer's roles announcement say that `role` supports `feature` (under any known alias)? */
export function hasFeature(roles: unknown, role: RoleName, feature: string): boolean {
  if (typeof roles !== 'object' || roles === null) return false;
  const entry = (roles as Dict)[role];
  if (typeof entry !== 'object' || entry === null) return false;
  const features = (entry as Dict)['features'];
  if (typeof features !== 'object' || features === null) return false;
  const f = features as Dict;
  if (f[feature] === true) return true;
  for (const alias in FEATURE_ALIASES) if (FEATURE_ALIASES[alias] === feature && f[alias] === true) return true;
  return false;
}

/** Does the peer's roles announcement include `role` at all? */
export function hasRole(roles: unknown, role: RoleName): boolean {
  return typeof roles === 'object' && roles !== null && typeof (roles as Dict)[role] === 'object' && (roles as Dict)[role] !== null;
}
