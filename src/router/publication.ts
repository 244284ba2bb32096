import type { Dict } from '../protocol/dict.js';
import { createMessage } from '../protocol/message.js';
import type { TransparentPayload } from '../protocol/message.js';
import type { RealmSession } from './realm-session.js';
import type { Emit } from './stage.js';
import type { SubscriptionStore } from './subscription-store.js';

/** Black- and whitelisting of receivers (PUBLISH.Options exclude/eligible and their auth forms), ANDed. */
export interface Eligibility {
  readonly exclude?: readonly number[];
  readonly excludeAuthid?: readonly string[];
  readonly excludeAuthrole?: readonly string[];
  readonly eligible?: readonly number[];
  readonly eligibleAuthid?: readonly string[];
  readonly eligibleAuthrole?: readonly string[];
}

/** The receiver filter a PUBLISH asks for, or undefined when it asks for none (the fast path). */
export function eligibilityOf(options: Dict): Eligibility | undefined {
  const e: Eligibility = {
    exclude: options['exclude'] as number[] | undefined,
    excludeAuthid: options['exclude_authid'] as string[] | undefined,
    excludeAuthrole: options['exclude_authrole'] as string[] | undefined,
    eligible: options['eligible'] as number[] | undefined,
    eligibleAuthid: options['eligible_authid'] as string[] | undefined,
    eligibleAuthrole: options['eligible_authrole'] as string[] | undefined,
  };
  for (const key in e) if (e[key as keyof Eligibility] !== undefined) return e;
  return undefined;
}

/** Does the filter let `session` receive the event? */
export function isEligible(session: RealmSession, e: Eligibility): boolean {
  if (e.exclude?.includes(session.id)) return false;
  if (e.excludeAuthid?.includes(session.authid)) return false;
  if (e.excludeAuthrole?.includes(session.authrole)) return false;
  if (e.eligible !== undefined && !e.eligible.includes(session.id)) return false;
  if (e.eligibleAuthid !== undefined && !e.eligibleAuthid.includes(session.authid)) return false;
  if (e.eligibleAuthrole !== undefined && !e.eligibleAuthrole.includes(session.authrole)) return false;
  return true;
}

/** One publication, ready to go out to the subscriptions that match its topic. */
export interface Publication {
  readonly topic: string;
  readonly id: number;
  readonly details: Dict;
  readonly args: unknown[] | undefined;
  readonly kwargs: Dict | undefined;
  readonly payload?: TransparentPayload | undefined;
  readonly eligibility?: Eligibility | undefined;
  /** A receiver to leave out (the publisher, under publisher exclusion). */
  readonly except?: RealmSession | undefined;
}

/**
 * Emits one EVENT per subscription matching the publication's topic, each as a fanout to
 * its eligible subscribers (pattern subscriptions learn the concrete topic in Details).
 */
export function emitEvents(store: SubscriptionStore, publication: Publication, emit: Emit): void {
  const { topic, details, args, kwargs, payload, eligibility, except } = publication;
  store.forEachMatch(topic, (subscription) => {
    const event = createMessage(
      'EVENT',
      {
        Subscription: subscription.id,
        Publication: publication.id,
        Details: subscription.match === 'exact' ? details : { ...details, topic },
        Arguments: args,
        ArgumentsKw: kwargs,
      },
      payload,
    );
    let receivers: Iterable<RealmSession> = subscription.subscribers;
    if (eligibility !== undefined) {
      const chosen: RealmSession[] = [];
      for (const s of subscription.subscribers) if (isEligible(s, eligibility)) chosen.push(s);
      receivers = chosen;
    }
    emit({ kind: 'fanout', sessions: receivers, except, message: event });
  });
}
