import { WampError } from '../../protocol/errors.js';

/** The URI of a payload that cannot be decoded or decrypted (Autobahn's `ApplicationError.INVALID_PAYLOAD`). */
export const INVALID_PAYLOAD = 'wamp.error.invalid_payload';

/**
 * A Payload Passthru Mode payload that could not be packed or unpacked: an unknown
 * serializer or cipher, a missing key, a wrong key or a tampered ciphertext.
 */
export class PayloadError extends WampError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(INVALID_PAYLOAD, [message], {}, { message });
    this.name = 'PayloadError';
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}
