import { readFile } from 'node:fs/promises';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** The `tls` section of a TCP listener: PEM files, read at start and again on {@link TlsListener.reload}. */
export interface TlsListenerConfig {
  /** The server certificate chain (PEM file). */
  readonly cert: string;
  /** Its private key (PEM file). */
  readonly key: string;
  /**
   * CAs whose client certificates the listener accepts (PEM file). With it, the listener
   * asks every client for a certificate (optional for the client), so realms can use
   * the `tls` auth method.
   */
  readonly ca?: string;
}

/** A server whose certificate can be swapped without closing its connections. */
interface SecureContextHolder {
  setSecureContext(options: SecureContextOptions): void;
}

/** What every TLS listener shares: TLS 1.2 or later, Node's default ciphers. */
const MIN_VERSION = 'TLSv1.2';

/** Reads the PEM files of a listener's `tls` config. Rejects with a message naming the file that failed. */
export async function readTlsContext(config: TlsListenerConfig): Promise<SecureContextOptions> {
  const read = async (what: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new Error(`cannot read TLS ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  const [cert, key, ca] = await Promise.all([read('certificate', config.cert), read('key', config.key), config.ca === undefined ? undefined : read('CA', config.ca)]);
  return { cert, key, minVersion: MIN_VERSION, ...(ca === undefined ? {} : { ca }) };
}

/** The options of a TLS server for a listener's config (already read by {@link readTlsContext}). */
export function tlsServerOptions(config: TlsListenerConfig, context: SecureContextOptions, handshakeTimeoutMs?: number): TlsOptions {
  return {
    ...context,
    // A client certificate is asked for, never required: the realm's auth decides what it is worth.
    ...(config.ca === undefined ? {} : { requestCert: true, rejectUnauthorized: false }),
    ...(handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: handshakeTimeoutMs }),
  };
}

/**
 * Reads the files again and gives the server the new certificate: connections open now
 * keep theirs, new ones get the new one. If a file cannot be read or does not parse, the
 * old certificate stays and the promise rejects.
 */
export async function reloadTlsContext(server: SecureContextHolder, config: TlsListenerConfig): Promise<void> {
  const context = await readTlsContext(config);
  server.setSecureContext(context);
}
