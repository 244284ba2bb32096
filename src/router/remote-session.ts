import type { Dict } from '../protocol/dict.js';
import type { RoleName } from '../protocol/features.js';
import { Codes } from '../protocol/message-table.js';
import type { WampMessage } from '../protocol/message.js';
import { JsonSerializer } from '../serialization/json.js';
import type { Serializer } from '../serialization/serializer.js';
import type { RealmLink, SessionInfo } from './cluster.js';
import type { RealmSession } from './realm-session.js';

const UNUSED_SERIALIZER = new JsonSerializer();

/**
 * The stand-in of a session connected to another node of the cluster: the dealer picks it
 * as a callee or answers it as a caller like any session, and what is sent to it travels
 * to its node. Events never go to it: every node delivers events to its own sessions.
 */
export class RemoteSession implements RealmSession {
  readonly id: number;
  readonly node: string;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
  readonly roles: Dict;
  readonly serializer: Serializer = UNUSED_SERIALIZER;
  /** False once the session left, or its node was lost. */
  open = true;
  /** Its node died: the survivors publish its leave and testaments themselves. */
  lost = false;
  readonly #link: RealmLink;

  constructor(readonly realm: string, info: SessionInfo, link: RealmLink) {
    this.id = info.id;
    this.node = info.node;
    this.authid = info.authid;
    this.authrole = info.authrole;
    this.authmethod = info.authmethod;
    this.authprovider = info.authprovider;
    this.roles = info.roles;
    this.#link = link;
  }

  supports(role: RoleName, feature: string): boolean {
    const features = (this.roles[role] as Dict | undefined)?.['features'] as Dict | undefined;
    return features?.[feature] === true;
  }

  send(message: WampMessage): void {
    // The dealer answers remote callers with RESULT and ERROR; nothing else is addressed to a stand-in.
    if (message.code === Codes.RESULT || message.code === Codes.ERROR) this.#link.reply(this.node, this.id, message);
  }

  sendFrame(): void {}

  abort(reason: string, message: string): void {
    this.#link.kill(this.node, this.id, reason, message);
  }

  goodbye(reason: string, message?: string): void {
    this.#link.kill(this.node, this.id, reason, message);
  }

  answerGoodbye(): void {}

  end(): void {}
}

/** Who a local session is, for the other nodes. */
export function sessionInfo(node: string, session: RealmSession): SessionInfo {
  return { node, id: session.id, authid: session.authid, authrole: session.authrole, authmethod: session.authmethod, authprovider: session.authprovider, roles: session.roles };
}
