import type { Dict } from './dict.js';

/**
 * What a field of a WAMP message holds:
 * - `id`: an ID in [1, 2^53];
 * - `revocable`: an ID, or 0 in the revocation form of UNSUBSCRIBED / UNREGISTERED;
 * - `type`: the REQUEST.Type of an ERROR (a request message code);
 * - `uri`, `string`: strings (URI syntax is the router's to judge, not the decoder's);
 * - `dict`: a dictionary; `args`: the Arguments list; `kwargs`: the ArgumentsKw dictionary.
 */
export type FieldKind = 'id' | 'revocable' | 'type' | 'uri' | 'string' | 'dict' | 'args' | 'kwargs';

/** One field: its specification name, its kind, and whether it may be left off the end. */
export type FieldSpec = readonly [name: string, kind: FieldKind] | readonly [name: string, kind: FieldKind, optional: true];

/**
 * Every WAMP message type: its code and field layout, with field names exactly as the
 * specification writes them. This one table drives decoding, encoding and the types.
 */
export const MESSAGE_TABLE = {
  HELLO: { code: 1, fields: [['Realm', 'uri'], ['Details', 'dict']] },
  WELCOME: { code: 2, fields: [['Session', 'id'], ['Details', 'dict']] },
  ABORT: { code: 3, fields: [['Details', 'dict'], ['Reason', 'uri'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]] },
  CHALLENGE: { code: 4, fields: [['AuthMethod', 'string'], ['Extra', 'dict']] },
  AUTHENTICATE: { code: 5, fields: [['Signature', 'string'], ['Extra', 'dict']] },
  GOODBYE: { code: 6, fields: [['Details', 'dict'], ['Reason', 'uri']] },
  ERROR: {
    code: 8,
    fields: [['REQUEST.Type', 'type'], ['REQUEST.Request', 'id'], ['Details', 'dict'], ['Error', 'uri'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]],
  },
  PUBLISH: { code: 16, fields: [['Request', 'id'], ['Options', 'dict'], ['Topic', 'uri'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]] },
  PUBLISHED: { code: 17, fields: [['PUBLISH.Request', 'id'], ['Publication', 'id']] },
  SUBSCRIBE: { code: 32, fields: [['Request', 'id'], ['Options', 'dict'], ['Topic', 'uri']] },
  SUBSCRIBED: { code: 33, fields: [['SUBSCRIBE.Request', 'id'], ['Subscription', 'id']] },
  UNSUBSCRIBE: { code: 34, fields: [['Request', 'id'], ['Subscription', 'id']] },
  UNSUBSCRIBED: { code: 35, fields: [['UNSUBSCRIBE.Request', 'revocable'], ['Details', 'dict', true]] },
  EVENT: {
    code: 36,
    fields: [['Subscription', 'id'], ['Publication', 'id'], ['Details', 'dict'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]],
  },
  /** Acknowledged event delivery: an Autobahn extension (code 337), not in the spec yet. */
  EVENT_RECEIVED: { code: 337, fields: [['Publication', 'id']] },
  CALL: { code: 48, fields: [['Request', 'id'], ['Options', 'dict'], ['Procedure', 'uri'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]] },
  CANCEL: { code: 49, fields: [['CALL.Request', 'id'], ['Options', 'dict']] },
  RESULT: { code: 50, fields: [['CALL.Request', 'id'], ['Details', 'dict'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]] },
  REGISTER: { code: 64, fields: [['Request', 'id'], ['Options', 'dict'], ['Procedure', 'uri']] },
  REGISTERED: { code: 65, fields: [['REGISTER.Request', 'id'], ['Registration', 'id']] },
  UNREGISTER: { code: 66, fields: [['Request', 'id'], ['Registration', 'id']] },
  UNREGISTERED: { code: 67, fields: [['UNREGISTER.Request', 'revocable'], ['Details', 'dict', true]] },
  INVOCATION: {
    code: 68,
    fields: [['Request', 'id'], ['Registration', 'id'], ['Details', 'dict'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]],
  },
  INTERRUPT: { code: 69, fields: [['INVOCATION.Request', 'id'], ['Options', 'dict']] },
  YIELD: { code: 70, fields: [['INVOCATION.Request', 'id'], ['Options', 'dict'], ['Arguments', 'args', true], ['ArgumentsKw', 'kwargs', true]] },
} as const satisfies Record<string, { code: number; fields: readonly FieldSpec[] }>;

/** The name of a WAMP message type: `'HELLO'`, `'CALL'`, … */
export type MessageName = keyof typeof MESSAGE_TABLE;

/** The numeric code of message type N (`MessageCode<'CALL'>` is 48). */
export type MessageCode<N extends MessageName = MessageName> = (typeof MESSAGE_TABLE)[N]['code'];

interface KindTypes {
  id: number;
  revocable: number;
  type: number;
  uri: string;
  string: string;
  dict: Dict;
  args: unknown[];
  kwargs: Dict;
}

type LayoutOf<N extends MessageName> = (typeof MESSAGE_TABLE)[N]['fields'][number];

/** The fields of message type N by specification name, typed from the table. */
export type MessageFields<N extends MessageName> = {
  -readonly [F in LayoutOf<N> as F extends readonly [string, FieldKind] ? F[0] : never]: KindTypes[F[1]];
} & {
  -readonly [F in LayoutOf<N> as F extends readonly [string, FieldKind, true] ? F[0] : never]?: KindTypes[F[1]];
};

/** The field names of message type N. */
export type FieldName<N extends MessageName> = keyof MessageFields<N> & string;

/** Every message code by name, derived from the table: `Codes.CALL` is 48, typed as the literal. */
export const Codes = Object.fromEntries(Object.entries(MESSAGE_TABLE).map(([name, layout]) => [name, layout.code])) as {
  readonly [N in MessageName]: MessageCode<N>;
};

/** The message codes a REQUEST.Type of an ERROR may name. */
export const ERROR_REQUEST_TYPES: ReadonlySet<number> = new Set([
  MESSAGE_TABLE.PUBLISH.code,
  MESSAGE_TABLE.SUBSCRIBE.code,
  MESSAGE_TABLE.UNSUBSCRIBE.code,
  MESSAGE_TABLE.CALL.code,
  MESSAGE_TABLE.REGISTER.code,
  MESSAGE_TABLE.UNREGISTER.code,
  MESSAGE_TABLE.INVOCATION.code,
]);

/** A layout looked up by code, with what decoding needs precomputed. */
export interface CompiledLayout {
  readonly name: MessageName;
  readonly code: number;
  readonly fields: readonly FieldSpec[];
  /** Fewest array elements, the code included. */
  readonly minLength: number;
  /** Most array elements, the code included. */
  readonly maxLength: number;
}

const byCode = new Map<number, CompiledLayout>();
const byName = new Map<MessageName, CompiledLayout>();
for (const name of Object.keys(MESSAGE_TABLE) as MessageName[]) {
  const { code, fields } = MESSAGE_TABLE[name];
  const required = (fields as readonly FieldSpec[]).filter((f) => f.length === 2).length;
  const layout: CompiledLayout = { name, code, fields, minLength: 1 + required, maxLength: 1 + fields.length };
  byCode.set(code, layout);
  byName.set(name, layout);
}

/** The layout of a message code, or undefined for a code WAMP does not define. */
export function layoutOfCode(code: number): CompiledLayout | undefined {
  return byCode.get(code);
}

/** The layout of a message name. */
export function layoutOfName(name: MessageName): CompiledLayout {
  return byName.get(name)!;
}
