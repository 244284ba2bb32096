import type { Dict } from '../protocol/dict.js';
import type { RoleName } from '../protocol/features.js';
import type { WampMessage } from '../protocol/message.js';
import type { Serializer } from '../serialization/serializer.js';
import type { Frame } from '../transport/transport.js';

/**
 * What the realm's stages know of a session: who it is, what its client supports, and
 * how to reach it. Stages depend on this interface only, so that they can be driven in
 * specs by plain objects without transports.
 */
export interface RealmSession {
  /** The global session id. */
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
  /** The realm's name. */
  readonly realm: string;
  /** Where the session comes from, for the meta API (`{ peer, protocol }`), when known. */
  readonly transportDetails?: Dict;
  /** When the session joined (ISO 8601), when known. */
  readonly joined?: string;
  /** The cluster node the session is connected to, when that is another node (undefined: this router's own session). */
  readonly node?: string;
  /** HELLO.Details.roles of the client. */
  readonly roles: Dict;
  /** True until the session has left the realm. */
  readonly open: boolean;
  /** Does the client announce `feature` for `role`? */
  supports(role: RoleName, feature: string): boolean;
  /** Ends the session with ABORT (a protocol violation, a kill). */
  abort(reason: string, message: string): void;
  /** Ends the session with GOODBYE, as the router's meta API kill does. */
  goodbye(reason: string, message?: string): void;
  /** The peer sent GOODBYE: answer it (unless it answers ours) and close. */
  answerGoodbye(): void;
  /** Closes the session's transport without a word (the peer sent ABORT, or it is gone). */
  end(reason: string): void;
  /** The serialization the session speaks. */
  readonly serializer: Serializer;
  /** Sends one message (used by the deliver stage). */
  send(message: WampMessage): void;
  /** Sends a message already serialized with `serializer` (one EVENT to many receivers). */
  sendFrame(frame: Frame): void;
}
