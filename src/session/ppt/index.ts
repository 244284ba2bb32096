export type { PptOptions, PptMode, PptSerializerName } from './ppt-mode.js';
export type { PayloadCipher } from './payload-cipher.js';
export { PayloadError, INVALID_PAYLOAD } from './payload-error.js';
