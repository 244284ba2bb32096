export type { PptOptions, PptMode, PptSerializerName } from './ppt-mode.js';
export type { PayloadCipher } from './payload-cipher.js';
export { PayloadError, INVALID_PAYLOAD } from './payload-error.js';
export { xsalsa20poly1305Cipher, generatePayloadKey } from './xsalsa20poly1305.js';
export type { KeyRing } from './xsalsa20poly1305.js';
