/** The TLS channel binding types WAMP-Cryptosign knows (RFC 5929 `tls-unique`, RFC 9266 `tls-exporter`). */
export type ChannelBindingType = 'tls-unique' | 'tls-exporter';

/** The channel binding types, in the order a client prefers them. */
export const CHANNEL_BINDING_TYPES: readonly ChannelBindingType[] = ['tls-exporter', 'tls-unique'];

/** True for a channel binding type rxwamp can compute. */
export function isChannelBindingType(value: unknown): value is ChannelBindingType {
  return value === 'tls-unique' || value === 'tls-exporter';
}

/** The certificate a TLS peer presented, as far as authentication needs it. */
export interface PeerCertificate {
  /** The subject's attributes (`CN`, `O`, `OU`, …); multi-valued ones joined with `, `. */
  readonly subject: Readonly<Record<string, string>>;
  /** SHA-256 fingerprint, colon-separated uppercase hex (as Node and openssl print it). */
  readonly fingerprint256: string;
  /** True when the certificate chains to a CA the local side trusts. */
  readonly authorized: boolean;
  /** Why it is not authorized (e.g. `CERT_HAS_EXPIRED`), when it is not. */
  readonly authorizationError?: string;
}

/**
 * What a transport over TLS knows of its channel. Browser WebSockets cannot see it, so
 * transports there have none; rxwamp/node fills it in for `wss://`, `rss://` and TLS listeners.
 */
export interface TlsChannel {
  /** The negotiated protocol version, e.g. `TLSv1.3`. */
  readonly protocol: string;
  /**
   * The 32-byte channel id for WAMP-Cryptosign channel binding: the RFC 9266 exporter
   * value, or SHA-256 of the RFC 5929 tls-unique value (as Autobahn computes it).
   * Undefined when this TLS session cannot give that type.
   */
  channelId(type: ChannelBindingType): Uint8Array | undefined;
  /** The certificate the peer presented, if any. */
  readonly peerCertificate: PeerCertificate | undefined;
}

/**
 * TLS options of a Node client connection (`wss://`, `rss://`): the subset of Node's
 * `tls.connect` options that matter for trust and client certificates. PEM text or bytes.
 */
export interface TlsConnectOptions {
  /** CA certificates to trust instead of Node's defaults. */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** A client certificate chain (PEM), with `key`. */
  readonly cert?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** The client certificate's private key (PEM). */
  readonly key?: string | Uint8Array;
  /** The key's passphrase. */
  readonly passphrase?: string;
  /** A PKCS#12 bundle instead of `cert` + `key`. */
  readonly pfx?: string | Uint8Array;
  /** Default true: refuse a server whose certificate does not verify. Set false only for tests. */
  readonly rejectUnauthorized?: boolean;
  /** The name to send (SNI) and check the certificate against; default the URL's host name. */
  readonly servername?: string;
  /** Lowest TLS version (default `TLSv1.2`). */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Highest TLS version (default: the highest Node speaks). */
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}
