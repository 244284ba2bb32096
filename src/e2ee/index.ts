/**
 * rxwamp/e2ee: end-to-end encryption of WAMP payloads (over Payload Passthru Mode). A
 * separate entry point, so that its cipher library is bundled only by those who import it.
 * Browser-safe.
 */
export { xsalsa20poly1305Cipher, generatePayloadKey } from './xsalsa20poly1305.js';
export type { KeyRing } from './xsalsa20poly1305.js';
export type { PayloadCipher } from '../session/ppt/payload-cipher.js';
