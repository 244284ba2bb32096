import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { TlsConnectOptions } from '../transport/tls-channel.js';

type Pem = string | Uint8Array;

const buffer = (value: Pem): string | Buffer => (typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));
const buffers = (value: Pem | ReadonlyArray<Pem>): string | Buffer | Array<string | Buffer> =>
  Array.isArray(value) ? value.map(buffer) : buffer(value as Pem);

/**
 * Node's `tls.connect` options for a client's {@link TlsConnectOptions} and host: TLS 1.2
 * or later, SNI set to the host name (never to an IP address, which RFC 6066 forbids).
 */
export function nodeTlsOptions(options: TlsConnectOptions, host: string): ConnectionOptions {
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  return {
    minVersion: options.minVersion ?? 'TLSv1.2',
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.ca === undefined ? {} : { ca: buffers(options.ca) }),
    ...(options.cert === undefined ? {} : { cert: buffers(options.cert) }),
    ...(options.key === undefined ? {} : { key: buffer(options.key) }),
    ...(options.pfx === undefined ? {} : { pfx: buffer(options.pfx) }),
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
    ...(servername === undefined ? {} : { servername }),
  };
}
