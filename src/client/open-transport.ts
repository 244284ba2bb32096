import { defer, from, Observable, switchMap } from 'rxjs';
import type { Serializer } from '../serialization/serializer.js';
import type { TlsConnectOptions } from '../transport/tls-channel.js';
import type { Transport } from '../transport/transport.js';
import { connectWebSocket } from '../transport/websocket/connect.js';

/** The connectors of rxwamp/node, as this layer sees them. */
interface NodeConnectors {
  connectRawSocket(
    target: { host: string; port: number; tls?: TlsConnectOptions } | { path: string },
    options: { serializerId: 1 | 2 | 3; maxMessageSize?: number },
  ): Observable<Transport>;
  connectSecureWebSocket(url: string, options: { protocols: string[]; tls?: TlsConnectOptions }): Observable<Transport>;
}

/**
 * Loads a module by a specifier computed at run time, so bundlers do not pull it (and
 * with it Node built-ins) into browser builds. Resolved next to this file: works from
 * dist and from src under tsx.
 */
function importBeside<T>(relative: string): Promise<T> {
  const specifier = new URL(relative, import.meta.url).href;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** A module's file, in the extension the running code uses (.ts under tsx, .js from dist). */
function sibling(path: string): string {
  return import.meta.url.endsWith('.ts') ? `${path}.ts` : `${path}.js`;
}

/** True under Node (and runtimes that pose as it), where rxwamp/node can be loaded. */
function onNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';
}

/** rxwamp/node's connectors, loaded on first use. */
function node<T>(use: (connectors: NodeConnectors) => Observable<T>): Observable<T> {
  return defer(() => from(importBeside<NodeConnectors>(sibling('../node/index')))).pipe(switchMap(use));
}

/**
 * A transport factory for a URL: ws/wss over WebSocket, rs:// and unix: over RawSocket,
 * rss:// over RawSocket on TLS. Under Node, wss:// goes through rxwamp/node (the `ws`
 * package with `tls` options), so sessions see the TLS channel for cryptosign binding.
 */
export function transportForUrl(url: string, serializer: Serializer, tls?: TlsConnectOptions): () => Observable<Transport> {
  const parsed = new URL(url);
  const serializerId = serializer.rawSocketId as 1 | 2 | 3;
  switch (parsed.protocol) {
    case 'ws:':
      return () => connectWebSocket(url, { protocols: [serializer.subprotocol] });
    case 'wss:':
      if (!onNode()) return () => connectWebSocket(url, { protocols: [serializer.subprotocol] });
      return () => node((m) => m.connectSecureWebSocket(url, { protocols: [serializer.subprotocol], ...(tls === undefined ? {} : { tls }) }));
    case 'rs:':
    case 'tcp:': {
      const target = { host: parsed.hostname, port: Number(parsed.port) };
      return () => node((m) => m.connectRawSocket(target, { serializerId }));
    }
    case 'rss:': {
      const target = { host: parsed.hostname, port: Number(parsed.port), tls: tls ?? {} };
      return () => node((m) => m.connectRawSocket(target, { serializerId }));
    }
    case 'unix:': {
      const target = { path: decodeURIComponent(parsed.pathname) };
      return () => node((m) => m.connectRawSocket(target, { serializerId }));
    }
    default:
      throw new TypeError(`unsupported URL scheme ${parsed.protocol} (use ws:, wss:, rs:, rss: or unix:)`);
  }
}
