import { isDict } from './dict.js';
import type { Dict } from './dict.js';
import { isId } from './ids.js';
import type { MessageName } from './message-table.js';

/** Checks one value; returns what is wrong with it, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;

const bool: Check = (v) => (typeof v === 'boolean' ? undefined : `must be a boolean, got ${describe(v)}`);
const str: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, got ${describe(v)}`);
const dict: Check = (v) => (isDict(v) ? undefined : `must be a dictionary, got ${describe(v)}`);
const id: Check = (v) => (isId(v) ? undefined : `must be an ID in [1, 2^53], got ${describe(v)}`);
const uint: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : `must be a non-negative integer, got ${describe(v)}`;
const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}, got ${describe(v)}`;
const listOf =
  (item: Check, what: string): Check =>
  (v) => {
    if (!Array.isArray(v)) return `must be a list of ${what}, got ${describe(v)}`;
    for (const x of v) if (item(x) !== undefined) return `must be a list of ${what}, got an item ${describe(x)}`;
    return undefined;
  };
const ids = listOf(id, 'IDs');
const strings = listOf(str, 'strings');
/** Router-to-router links: a list of {session, authid, authrole} hops. */
const forwardFor = listOf(dict, 'dictionaries');
/** End-to-end encryption algorithms Autobahn knows, or an implementation-specific `x_` one. */
const encAlgo: Check = (v) =>
  typeof v === 'string' && (['cryptobox', 'mqtt', 'xbr', 'null'].includes(v) || v.startsWith('x_'))
    ? undefined
    : `must be cryptobox, mqtt, xbr or an x_ algorithm, got ${describe(v)}`;
const pptScheme: Check = (v) =>
  typeof v === 'string' && (v === 'wamp' || v === 'mqtt' || v.startsWith('x_')) ? undefined : `must be wamp, mqtt or an x_ scheme, got ${describe(v)}`;
const serializerName = oneOf('json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers', 'opaque', 'native');
const match = oneOf('exact', 'prefix', 'wildcard');

/** Keys shared by every message that may carry a payload. */
const payloadKeys: Record<string, Check> = {
  forward_for: forwardFor,
  enc_algo: encAlgo,
  enc_serializer: serializerName,
  enc_key: str,
  ppt_scheme: pptScheme,
  // The specification names mqtt, amqp, stomp and custom serializers besides WAMP's own.
  ppt_serializer: str,
  ppt_cipher: str,
  ppt_keyid: str,
  transaction_hash: str,
};

type Schema = Readonly<Record<string, Check>>;

/**
 * The known keys of each message's Details/Options dictionary and what they must hold.
 * Unknown keys are ignored, as the spec requires; a known key of the wrong type is a
 * protocol violation, except null, which real peers send for an option they were not given.
 */
const SCHEMAS: Partial<Record<MessageName, Schema>> = {
  HELLO: { roles: dict, authmethods: strings, authid: str, authrole: str, authextra: dict, agent: str, resumable: bool },
  WELCOME: { roles: dict, authid: str, authrole: str, authmethod: str, authprovider: str, authextra: dict, agent: str },
  ABORT: { message: str },
  GOODBYE: { message: str },
  ERROR: payloadKeys,
  PUBLISH: {
    ...payloadKeys,
    acknowledge: bool,
    exclude_me: bool,
    exclude: ids,
    exclude_authid: strings,
    exclude_authrole: strings,
    eligible: ids,
    eligible_authid: strings,
    eligible_authrole: strings,
    disclose_me: bool,
    retain: bool,
    x_acknowledged_delivery: bool,
  },
  SUBSCRIBE: { match, get_retained: bool, forward_for: forwardFor },
  EVENT: {
    ...payloadKeys,
    publisher: id,
    publisher_authid: str,
    publisher_authrole: str,
    topic: str,
    retained: bool,
    trustlevel: uint,
    x_acknowledged_delivery: bool,
  },
  CALL: { ...payloadKeys, receive_progress: bool, progress: bool, timeout: uint, disclose_me: bool },
  CANCEL: { mode: oneOf('skip', 'kill', 'killnowait'), forward_for: forwardFor },
  RESULT: { ...payloadKeys, progress: bool },
  REGISTER: {
    match,
    invoke: oneOf('single', 'roundrobin', 'random', 'first', 'last'),
    disclose_caller: bool,
    concurrency: uint,
    force_reregister: bool,
    forward_for: forwardFor,
  },
  INVOCATION: {
    ...payloadKeys,
    caller: id,
    caller_authid: str,
    caller_authrole: str,
    procedure: str,
    receive_progress: bool,
    progress: bool,
    timeout: uint,
    trustlevel: uint,
  },
  INTERRUPT: { mode: oneOf('kill', 'killnowait'), reason: str, forward_for: forwardFor },
  YIELD: { ...payloadKeys, progress: bool },
};

/**
 * Checks the known keys of a message's Details/Options dictionary. Returns a sentence
 * naming the offending key, or undefined when the dictionary is fine.
 */
export function checkOptions(name: MessageName, field: string, value: Dict): string | undefined {
  const schema = SCHEMAS[name];
  if (schema === undefined) return undefined;
  for (const key in value) {
    const check = schema[key];
    // A key written as JS undefined (msgpackr, cbor-x: Wampy.js) or null says nothing: it is absent.
    if (check === undefined || value[key] === undefined || value[key] === null) continue;
    const problem = check(value[key]);
    if (problem !== undefined) return `${name}: ${field}.${key} ${problem}`;
  }
  return undefined;
}

/** Says what a value is, briefly, for error messages (never the value of a long string). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'number') return Number.isInteger(value) ? `number ${value}` : 'number';
  return typeof value;
}
