import { createMessage } from '../../src/protocol/message.js';
import type { MessageFields, MessageName } from '../../src/protocol/message-table.js';
import { hasFeature } from '../../src/protocol/features.js';
import type { RoleName } from '../../src/protocol/features.js';
import type { WampMessage } from '../../src/protocol/message.js';
import { JsonSerializer } from '../../src/serialization/json.js';
import type { Frame } from '../../src/transport/transport.js';
import type { RealmSession } from '../../src/router/realm-session.js';
import type { Routed } from '../../src/router/routed.js';
import { ALL_CLIENT_ROLES } from './raw-peer.js';

/**
 * A session as the realm's stages see it, without a transport: what stages send to it
 * directly (ABORT, GOODBYE) is recorded, so specs see every effect of a stage.
 */
export class StageSession implements RealmSession {
  readonly serializer = new JsonSerializer();
  readonly realm = 'realm1';
  readonly authmethod = 'anonymous';
  readonly authprovider = 'static';
  open = true;
  readonly direct: string[] = [];
  /** The explanations that came with what `direct` records (ABORT and GOODBYE messages). */
  readonly explanations: string[] = [];

  constructor(
    readonly name: string,
    readonly id: number,
    readonly authid = name,
    readonly authrole = 'user',
    readonly roles: Record<string, unknown> = ALL_CLIENT_ROLES,
  ) {}

  supports(role: RoleName, feature: string): boolean {
    return hasFeature(this.roles, role, feature);
  }
  abort(reason: string, message: string): void {
    this.direct.push(`ABORT ${reason}`);
    this.explanations.push(message);
    this.open = false;
  }
  goodbye(reason: string, message?: string): void {
    this.direct.push(`GOODBYE ${reason}`);
    if (message !== undefined) this.explanations.push(message);
    this.open = false;
  }
  answerGoodbye(): void {
    this.direct.push('GOODBYE answered');
    this.open = false;
  }
  end(reason: string): void {
    this.direct.push(`END ${reason}`);
    this.open = false;
  }
  send(): void {}
  sendFrame(_frame: Frame): void {}
}

/** An inbound Routed: `session` sent `message`. */
export function from<N extends MessageName>(session: RealmSession, name: N, fields: MessageFields<N>): Routed {
  return { kind: 'in', session, message: createMessage(name, fields) as unknown as WampMessage };
}

/**
 * A readable summary of what a stage emitted, with random ids hidden and the fields that
 * matter shown: `a <- SUBSCRIBED #1`, `[b,c] <- EVENT [1] {"topic":"x.y"}`,
 * `a <- ERROR #2 com.error.x ["why"] {"kw":1}`. `#n` is the request id the message answers or
 * carries (router-issued INVOCATION and INTERRUPT ids included); Arguments, ArgumentsKw and
 * Details/Options show when present, so a spec that names them checks them.
 */
export function summarize(routed: Routed): string {
  switch (routed.kind) {
    case 'in':
      return `${routed.session instanceof StageSession ? routed.session.name : routed.session.id} -> ${routed.message.name}`;
    case 'out':
      return `${(routed.session as StageSession).name} <- ${describe(routed.message)}`;
    case 'fanout': {
      const names = [...routed.sessions].filter((s) => s !== routed.except).map((s) => (s as StageSession).name);
      return `[${names.join(',')}] <- ${describe(routed.message)}`;
    }
    case 'joined':
      return `joined ${(routed.session as StageSession).name}`;
    case 'left':
      return `left ${(routed.session as StageSession).name}`;
    case 'meta':
      return `meta ${routed.topic}`;
    case 'cluster':
      return `cluster ${routed.input.type}`;
  }
}

function describe(message: WampMessage): string {
  const fields = message.fields as Record<string, unknown>;
  const parts: string[] = [message.name];
  const request = requestId(fields);
  if (request !== undefined) parts.push(`#${request}`);
  if (message.name === 'ERROR') parts.push(String(fields['Error']));
  const aux = message.auxiliary;
  if (fields['Arguments'] !== undefined) parts.push(JSON.stringify(fields['Arguments']));
  if (fields['ArgumentsKw'] !== undefined) parts.push(JSON.stringify(fields['ArgumentsKw']));
  if (aux !== undefined && Object.keys(aux).length > 0) parts.push(JSON.stringify(aux));
  return parts.join(' ');
}

/** The request id a message carries (`Request`, or the `X.Request` it answers), if any. */
function requestId(fields: Record<string, unknown>): unknown {
  for (const [name, value] of Object.entries(fields)) if (name === 'Request' || name.endsWith('.Request')) return value;
  return undefined;
}
