import { isDict, isEmptyDict } from './dict.js';
import type { Dict } from './dict.js';
import { ProtocolViolation } from './errors.js';
import { isId } from './ids.js';
import { encodedSpanOf } from './lazy-arguments.js';
import { ERROR_REQUEST_TYPES, layoutOfCode, layoutOfName, MESSAGE_TABLE } from './message-table.js';
import type { CompiledLayout, FieldName, MessageCode, MessageFields, MessageName } from './message-table.js';
import { checkOptions, describe } from './options-schema.js';

/** An end-to-end encrypted or passed-through payload, carried where Arguments would be. */
export type TransparentPayload = Uint8Array | string;

/**
 * One WAMP message: its type, code and fields by specification name.
 *
 * `WampMessage` (the union over all types) narrows on `code` or `name`:
 * `if (m.code === 48) m.fields.Procedure` is a string.
 */
export class Message<N extends MessageName = MessageName> {
  /** The message type, e.g. `'CALL'`. */
  readonly name: N;
  /** The message code, e.g. 48. */
  readonly code: MessageCode<N>;
  /** The fields, keyed by their specification names. */
  readonly fields: MessageFields<N>;
  /**
   * The payload of Payload Passthru Mode (`ppt_scheme`) or end-to-end encryption
   * (`enc_algo`): bytes that travel in place of Arguments and that routers never open.
   */
  readonly payload: TransparentPayload | undefined;

  constructor(name: N, fields: MessageFields<N>, payload?: TransparentPayload) {
    this.name = name;
    this.code = MESSAGE_TABLE[name].code as MessageCode<N>;
    this.fields = fields;
    this.payload = payload;
  }

  /** A field by its specification name: `msg.get('Procedure')`. */
  get<K extends FieldName<N>>(field: K): MessageFields<N>[K] {
    return this.fields[field];
  }

  /** The Details, Options or Extra dictionary of the message, whichever it has (Net::WAMP's "auxiliary"). */
  get auxiliary(): Dict | undefined {
    const f = this.fields as Record<string, unknown>;
    return (f['Details'] ?? f['Options'] ?? f['Extra']) as Dict | undefined;
  }

  /** The Details dictionary, for messages that have one (alias of {@link auxiliary}). */
  get details(): Dict | undefined {
    return this.auxiliary;
  }

  /** The Options dictionary, for messages that have one (alias of {@link auxiliary}). */
  get options(): Dict | undefined {
    return this.auxiliary;
  }

  /** The positional Arguments (an empty list when the message has none). */
  get args(): unknown[] {
    return ((this.fields as Record<string, unknown>)['Arguments'] as unknown[] | undefined) ?? [];
  }

  /** The keyword ArgumentsKw (an empty dictionary when the message has none). */
  get kwargs(): Dict {
    return ((this.fields as Record<string, unknown>)['ArgumentsKw'] as Dict | undefined) ?? {};
  }

  /** PUBLISH: did the publisher ask for a PUBLISHED acknowledgement? */
  publisherWantsAcknowledgement(this: Message<'PUBLISH'>): boolean {
    return this.fields.Options['acknowledge'] === true;
  }

  /** PUBLISH: should the publisher be left out of the receivers (`exclude_me`, default true)? */
  publisherWantsToBeExcluded(this: Message<'PUBLISH'>): boolean {
    return this.fields.Options['exclude_me'] !== false;
  }

  /** CALL, INVOCATION: may the caller receive progressive results? */
  callerCanReceiveProgress(this: Message<'CALL'> | Message<'INVOCATION'>): boolean {
    return this.auxiliary!['receive_progress'] === true;
  }

  /** RESULT, YIELD (and progressive CALL, INVOCATION): is this a progressive, not the final, message? */
  isProgress(this: Message<'RESULT'> | Message<'YIELD'> | Message<'CALL'> | Message<'INVOCATION'>): boolean {
    return this.auxiliary!['progress'] === true;
  }

  /**
   * The array form, ready to serialize. Empty trailing Arguments and ArgumentsKw are
   * left off, as the spec requires (and some peers reject `null` in their place).
   */
  toArray(): unknown[] {
    return messageToArray(this as unknown as WampMessage);
  }
}

/** Any WAMP message; narrows on `code` or `name`. */
export type WampMessage = { [N in MessageName]: Message<N> }[MessageName];

/** Builds a message from its type and fields: `createMessage('CALL', { Request: 1, Options: {}, Procedure: 'a.b' })`. */
export function createMessage<N extends MessageName>(name: N, fields: MessageFields<N>, payload?: TransparentPayload): Message<N> {
  return new Message(name, fields, payload);
}

function messageToArray(msg: WampMessage): unknown[] {
  const layout = layoutOfName(msg.name);
  const fields = msg.fields as Record<string, unknown>;
  const out: unknown[] = [msg.code];
  const specs = layout.fields;
  for (let i = 0; i < specs.length; i++) {
    const [name, kind] = specs[i]!;
    if (kind === 'args') {
      if (msg.payload !== undefined) {
        out.push(msg.payload);
        break;
      }
      // `!= null`: a null from untyped JavaScript is no payload, never a null on the wire.
      const args = fields[name] as unknown[] | null | undefined;
      const kwargs = fields['ArgumentsKw'] as Dict | null | undefined;
      // A still-encoded value says whether it is empty without being decoded.
      const hasKwargs = kwargs != null && !(encodedSpanOf(kwargs)?.empty ?? isEmptyDict(kwargs));
      if (hasKwargs) out.push(args ?? [], kwargs);
      else if (args != null && !(encodedSpanOf(args)?.empty ?? args.length === 0)) out.push(args);
      break;
    }
    const value = fields[name];
    if (value === undefined && specs[i]!.length === 3) break;
    out.push(value);
  }
  return out;
}

/** Removes the keys whose value is null, in place (the dictionary is freshly decoded); cheap when there is none. */
function dropNullKeys(dict: Dict): void {
  for (const key in dict) if (dict[key] === null) delete dict[key];
}

function violation(layout: CompiledLayout, text: string): ProtocolViolation {
  return new ProtocolViolation(`${layout.name}: ${text}`);
}

/**
 * Decodes the array form of a message, checking its arity, every field's type and the
 * known keys of its Details/Options. Throws {@link ProtocolViolation}, and nothing else,
 * on anything malformed.
 */
export function messageFromArray(array: unknown): WampMessage {
  if (!Array.isArray(array)) throw new ProtocolViolation(`a message must be a list, got ${describe(array)}`);
  const code: unknown = array[0];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new ProtocolViolation(`a message must start with an integer message code, got ${describe(code)}`);
  }
  const layout = layoutOfCode(code);
  if (layout === undefined) throw new ProtocolViolation(`unknown message code ${code}`);
  const length = array.length;
  if (length < layout.minLength || length > layout.maxLength) {
    const expected = layout.minLength === layout.maxLength ? `${layout.minLength - 1}` : `${layout.minLength - 1} to ${layout.maxLength - 1}`;
    throw violation(layout, `expected ${expected} fields, got ${length - 1}`);
  }
  const fields: Record<string, unknown> = {};
  let payload: TransparentPayload | undefined;
  let dictName = '';
  const specs = layout.fields;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const name = spec[0];
    const value: unknown = array[i + 1];
    if (i + 1 >= length) break;
    switch (spec[1]) {
      case 'id':
        if (!isId(value)) throw violation(layout, `field ${name} must be an ID in [1, 2^53], got ${describe(value)}`);
        break;
      case 'revocable':
        if (value !== 0 && !isId(value)) throw violation(layout, `field ${name} must be an ID in [1, 2^53] (or 0 for a revocation), got ${describe(value)}`);
        break;
      case 'type':
        if (typeof value !== 'number' || !ERROR_REQUEST_TYPES.has(value)) {
          throw violation(layout, `field ${name} must be the code of a request message (16, 32, 34, 48, 64, 66 or 68), got ${describe(value)}`);
        }
        break;
      case 'uri':
        if (typeof value !== 'string') throw violation(layout, `field ${name} must be a URI string, got ${describe(value)}`);
        break;
      case 'string':
        if (typeof value !== 'string') throw violation(layout, `field ${name} must be a string, got ${describe(value)}`);
        break;
      case 'dict': {
        if (!isDict(value)) throw violation(layout, `field ${name} must be a dictionary, got ${describe(value)}`);
        // Peers send `undefined` options as nil (Wampy over MessagePack/CBOR): a null key is a key not given.
        dropNullKeys(value);
        const problem = checkOptions(layout.name, name, value);
        if (problem !== undefined) throw new ProtocolViolation(problem);
        dictName = name;
        break;
      }
      case 'args':
        // A null Arguments (fox-wamp's RESULT and EVENT) is no Arguments; ArgumentsKw may still follow.
        if (value === null) continue;
        if (!Array.isArray(value)) {
          const aux = fields[dictName] as Dict | undefined;
          const transparent = aux !== undefined && (aux['ppt_scheme'] !== undefined || aux['enc_algo'] !== undefined);
          if (transparent && (value instanceof Uint8Array || typeof value === 'string') && length === i + 2) {
            payload = value;
            continue;
          }
          throw violation(layout, `field ${name} must be a list, got ${describe(value)}`);
        }
        break;
      case 'kwargs':
        if (value === null) continue;
        if (!isDict(value)) throw violation(layout, `field ${name} must be a dictionary, got ${describe(value)}`);
        break;
    }
    fields[name] = value;
  }
  if ((code === 35 || code === 67) && fields[specs[0]![0]] === 0 && fields['Details'] === undefined) {
    throw violation(layout, 'a revocation (request 0) must carry Details');
  }
  return new Message(layout.name, fields as never, payload) as WampMessage;
}
