import type { Observable } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { SerializerName } from '../serialization/serializer.js';
import type { TlsConnectOptions } from '../transport/tls-channel.js';
import type { Transport } from '../transport/transport.js';
import type { ClientAuthMethod } from './auth/auth-method.js';

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
  /** Refuse to use advanced features the router did not announce (default true). */
  requireRouterFeatures?: boolean;
  /** Treat out-of-sequence INVOCATION request ids as protocol violations (default true). */
  checkRequestIds?: boolean;
}
