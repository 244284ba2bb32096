import type { WampMessage } from '../protocol/message.js';
import type { ClusterInput } from './cluster.js';
import type { RealmSession } from './realm-session.js';

/** A message from a session, entering the realm's pipeline. */
export interface Inbound {
  readonly kind: 'in';
  readonly session: RealmSession;
  readonly message: WampMessage;
}

/** A message for one session. */
export interface Outbound {
  readonly kind: 'out';
  readonly session: RealmSession;
  readonly message: WampMessage;
}

/**
 * One message for many sessions (an EVENT to the subscribers of one subscription): the
 * deliver stage serializes it once per serializer, not once per receiver.
 */
export interface Fanout {
  readonly kind: 'fanout';
  readonly sessions: Iterable<RealmSession>;
  /** A receiver to leave out (the publisher, under publisher exclusion). */
  readonly except: RealmSession | undefined;
  readonly message: WampMessage;
}

/** A session joined the realm (after WELCOME). */
export interface Joined {
  readonly kind: 'joined';
  readonly session: RealmSession;
}

/** A session left the realm, however it ended: every stage forgets it. */
export interface Left {
  readonly kind: 'left';
  readonly session: RealmSession;
  /** Why it ended: a WAMP close reason or error URI, or a transport failure code. */
  readonly reason: string;
}

/** A change of router state that the meta API reports (`wamp.subscription.on_create`, …). */
export interface MetaNotice {
  readonly kind: 'meta';
  readonly topic: string;
  readonly args: unknown[];
  /** The session the notice is about; meta events never go to it when it has left. */
  readonly session: RealmSession | undefined;
}

/**
 * Something the cluster told this node: `session` is the local session it is for (a
 * reply, an answered REGISTER) or the stand-in of a remote caller (a forwarded CALL).
 */
export interface FromCluster {
  readonly kind: 'cluster';
  readonly input: ClusterInput;
  readonly session: RealmSession | undefined;
}

/**
 * What flows through a realm's pipeline: inbound messages tagged with their session,
 * outbound messages addressed to sessions, and session lifecycle notices.
 */
export type Routed = Inbound | Outbound | Fanout | Joined | Left | MetaNotice | FromCluster;
