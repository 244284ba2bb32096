import type { Observable } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { SerializerName } from '../serialization/serializer.js';
import type { TlsConnectOptions } from '../transport/tls-channel.js';
import type { Transport } from '../transport/transport.js';
import type { ClientAuthMethod } from './auth/auth-method.js';
import type { PayloadCipher } from '../session/ppt/payload-cipher.js';

/** How a WampClient retries a lost or failed connection: exponential backoff with jitter. */
export interface ReconnectOptions {
  /** Delay before the first retry, in ms (default 1000). */
  initialDelayMs?: number;
  /** Longest delay between retries, in ms (default 30000). */
  maxDelayMs?: number;
  /** Growth of the delay per failed attempt (default 2). */
  factor?: number;
  /** Failed attempts in a row before giving up (default Infinity). */
  maxRetries?: number;
  /** Fraction of each delay randomized, 0..1 (default 0.1). */
  jitter?: number;
}

/** Options of a WampClient. */
export interface WampClientOptions {
  /**
   * `ws://…`, `wss://…` (WebSocket), `rs://host:port` (RawSocket over TCP), `rss://host:port`
   * (RawSocket over TLS), `unix:/path` (RawSocket over a Unix socket).
   */
  url?: string;
  /**
   * Node only: TLS options of `wss://` and `rss://` connections (`ca` to trust, client
   * `cert` + `key`, `servername`, `rejectUnauthorized`). Browsers use their own trust store.
   */
  tls?: TlsConnectOptions;
  /** The realm to join. */
  realm: string;
  /** The serialization (default `'json'`). */
  serializer?: SerializerName;
  /** HELLO.Details.authid. */
  authid?: string;
  /** Extra HELLO.Details.authextra entries. */
  authextra?: Dict;
  /** Authentication methods, in order of preference. */
  authmethods?: ClientAuthMethod[];
  /** Shorthand: a ticket (or a function returning one) for ticket authentication. */
  ticket?: string | (() => string | Promise<string>);
  /** Shorthand: the WAMP-CRA secret. */
  secret?: string;
  /** Shorthand: the Ed25519 private key (hex) for cryptosign. */
  privateKey?: string;
  /** The reconnect policy, or false to not reconnect. */
  reconnect?: ReconnectOptions | false;
  /** A custom transport factory (loopback, tests, custom transports); `url` is then unused. */
  transport?: () => Observable<Transport>;
  /**
   * Refuse, locally and before anything is sent, to use an advanced feature the router did
   * not announce in WELCOME (the call, subscription, … errors with
   * `wamp.error.feature_not_supported`). Default true: it never ends a session, and the
   * alternative is a router silently ignoring the option. The router's counterpart is
   * `strictPeerRoles`.
   */
  requireRouterFeatures?: boolean;
  /**
   * Turns on every strict check below at once (one set on its own still wins). Default
   * false: real routers (Nexus, Crossbar, fox-wamp) break them, and a session ended over
   * them helps nobody.
   */
  strict?: boolean;
  /**
   * INVOCATION request ids must run 1, 2, 3, … per session, as the spec's session scope
   * says; any other is a protocol violation (ABORT). Default `strict` (off): Nexus numbers
   * INVOCATIONs with one router-wide counter. A duplicate id of an
   * invocation still running is refused in every mode.
   */
  checkRequestIds?: boolean;
  /**
   * A message that answers nothing the session is waiting for (RESULT, ERROR, PUBLISHED,
   * SUBSCRIBED, UNSUBSCRIBED, REGISTERED, UNREGISTERED for no pending request; a
   * progressive RESULT for a call that did not ask for progress; EVENT or INVOCATION for
   * a subscription or registration the session does not hold) is a protocol violation
   * (ABORT). Default `strict` (off): it is dropped, and such an INVOCATION is answered
   * with `wamp.error.no_such_registration`.
   */
  rejectStrayMessages?: boolean;
  /** Ciphers for end-to-end encrypted payloads (`ppt_cipher`), e.g. `[xsalsa20poly1305Cipher(keyRing)]`. */
  payloadCiphers?: readonly PayloadCipher[];
}
