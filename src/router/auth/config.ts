/**
 * The `auth` section of a realm in the router config. Field names follow Crossbar's
 * static authentication config, which WAMP operators know.
 */

/** `anonymous`: admit peers without credentials under one role. */
export interface AnonymousAuthConfig {
  /** Defaults to `'anonymous'`. */
  readonly authrole?: string;
}

/** One ticket principal, keyed by authid. */
export interface TicketPrincipal {
  readonly ticket: string;
  readonly authrole: string;
}

/** `ticket`: principals with a static ticket (a password or token sent as is). */
export interface TicketAuthConfig {
  readonly principals: Readonly<Record<string, TicketPrincipal>>;
}

/**
 * One WAMP-CRA user, keyed by authid. With `salt`, `secret` is the derived key
 * (base64 PBKDF2 output), never the password; the client derives it from the password.
 */
export interface WampcraUser {
  readonly secret: string;
  readonly authrole: string;
  readonly salt?: string;
  /** PBKDF2 iterations (default 1000). */
  readonly iterations?: number;
  /** PBKDF2 key length in bytes (default 32). */
  readonly keylen?: number;
}

/** `wampcra`: users with a shared secret. */
export interface WampcraAuthConfig {
  readonly users: Readonly<Record<string, WampcraUser>>;
}

/** One cryptosign principal, keyed by authid: the Ed25519 public keys it may use. */
export interface CryptosignPrincipal {
  /** Ed25519 public keys, hex (64 characters). */
  readonly authorized_keys: readonly string[];
  readonly authrole: string;
}

/** `cryptosign`: principals identified by their public keys. */
export interface CryptosignAuthConfig {
  readonly principals: Readonly<Record<string, CryptosignPrincipal>>;
}

/** One TLS client-certificate principal, keyed by authid: the subject CN of its certificate. */
export interface TlsPrincipal {
  readonly authrole: string;
  /** Pin one certificate: its SHA-256 fingerprint (colon-separated hex, as `openssl x509 -fingerprint -sha256` prints it). */
  readonly certificate_sha256?: string;
}

/**
 * `tls`: peers authenticated by a client certificate that chains to the listener's `ca`;
 * the authid is the certificate's subject CN, as Crossbar does.
 */
export interface TlsAuthConfig {
  readonly principals: Readonly<Record<string, TlsPrincipal>>;
}

/** A realm's `auth`: exactly the methods listed are allowed. */
export interface RealmAuthConfig {
  readonly anonymous?: AnonymousAuthConfig;
  readonly ticket?: TicketAuthConfig;
  readonly wampcra?: WampcraAuthConfig;
  readonly cryptosign?: CryptosignAuthConfig;
  readonly tls?: TlsAuthConfig;
}

/** The authprovider a config-based (static) authenticator reports, as Crossbar does. */
export const STATIC_AUTHPROVIDER = 'static';
