import { defer, from, Observable, switchMap } from 'rxjs';
import type { Serializer } from '../serialization/serializer.js';
import type { Transport } from '../transport/transport.js';
import { connectWebSocket } from '../transport/websocket/connect.js';

/** The RawSocket connector of rxwamp/node, as this layer sees it. */
type ConnectRawSocket = (
  target: { host: string; port: number } | { path: string },
  options: { serializerId: 1 | 2 | 3; maxMessageSize?: number },
) => Observable<Transport>;

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

/** A transport factory for a URL: ws/wss over WebSocket, rs:// and unix: over RawSocket. */
export function transportForUrl(url: string, serializer: Serializer): () => Observable<Transport> {
  const parsed = new URL(url);
  switch (parsed.protocol) {
    case 'ws:':
    case 'wss:':
      return () => connectWebSocket(url, { protocols: [serializer.subprotocol] });
    case 'rs:':
    case 'rss:':
    case 'tcp:': {
      const target = { host: parsed.hostname, port: Number(parsed.port) };
      return () => rawSocket(target, serializer);
    }
    case 'unix:': {
      const target = { path: decodeURIComponent(parsed.pathname) };
      return () => rawSocket(target, serializer);
    }
    default:
      throw new TypeError(`unsupported URL scheme ${parsed.protocol} (use ws:, wss:, rs: or unix:)`);
  }
}

function rawSocket(target: { host: string; port: number } | { path: string }, serializer: Serializer): Observable<Transport> {
  return defer(() => from(importBeside<{ connectRawSocket: ConnectRawSocket }>(sibling('../node/index')))).pipe(
    switchMap((m) => m.connectRawSocket(target, { serializerId: serializer.rawSocketId as 1 | 2 | 3 })),
  );
}
