import type { Dict } from '../../protocol/dict.js';
export { PPT_KEYS } from '../../protocol/ppt-keys.js';

/** The payload serializers a client can use in Payload Passthru Mode (`ppt_serializer`). */
export type PptSerializerName = 'native' | 'json' | 'msgpack' | 'cbor';

/**
 * The Payload Passthru Mode options of CALL, PUBLISH, YIELD (and REGISTER, for the results
 * of its invocations): with `ppt_scheme` set, args and kwargs travel serialized (and, with
 * `ppt_cipher`, encrypted) as one item of Arguments that routers relay unread.
 */
export interface PptOptions {
  /** The key management scheme: `'wamp'` (end-to-end encryption), `'mqtt'` or an `x_` custom one. */
  ppt_scheme?: string;
  /** How args and kwargs are serialized into the payload (default `native`, or `cbor` with a cipher). */
  ppt_serializer?: PptSerializerName | (string & {});
  /** The cipher the payload is encrypted with, e.g. `'xsalsa20poly1305'`; a matching {@link PayloadCipher} must be configured. */
  ppt_cipher?: string;
  /** The id of the key the payload is encrypted with, looked up in the cipher's key ring. */
  ppt_keyid?: string;
}

/** The ppt_ attributes of one message, with the scheme present. */
export interface PptMode {
  readonly ppt_scheme: string;
  readonly ppt_serializer?: string;
  readonly ppt_cipher?: string;
  readonly ppt_keyid?: string;
}

/** The ppt_ attributes of an Options or Details dictionary; undefined when `ppt_scheme` is absent or empty. */
export function pptModeOf(dict: Dict | undefined): PptMode | undefined {
  const scheme = dict?.['ppt_scheme'];
  if (typeof scheme !== 'string' || scheme === '') return undefined;
  const mode: { -readonly [K in keyof PptMode]: PptMode[K] } = { ppt_scheme: scheme };
  for (const key of ['ppt_serializer', 'ppt_cipher', 'ppt_keyid'] as const) {
    const value = dict![key];
    if (typeof value === 'string') mode[key] = value;
  }
  return mode;
}

/**
 * The mode an outbound message uses, from the caller's options: undefined without a
 * scheme; with one, `ppt_serializer` filled in (cbor under a cipher, else native) so the
 * receiver never has to guess.
 */
export function outboundPptMode(options: Dict): PptMode | undefined {
  const mode = pptModeOf(options);
  if (mode === undefined || mode.ppt_serializer !== undefined) return mode;
  return { ...mode, ppt_serializer: mode.ppt_cipher !== undefined ? 'cbor' : 'native' };
}
