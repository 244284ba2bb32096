/** What the browser specs get from karma.conf.js: the router's URL and a way to make it drop connections. */

interface KarmaGlobal {
  readonly __karma__?: { readonly config?: { readonly args?: readonly unknown[] } };
}

/** The WebSocket URL of the rxwamp router karma.conf.js started. */
export function routerUrl(): string {
  const url = (globalThis as KarmaGlobal).__karma__?.config?.args?.[0];
  if (typeof url !== 'string') throw new Error('karma.conf.js passes the router URL as client.args[0]');
  return url;
}

/** Asks the router (through karma's server) to fail every open connection; resolves with how many it dropped. */
export async function dropAllConnections(): Promise<number> {
  const response = await fetch('/rxwamp-test/drop', { method: 'POST' });
  const body = (await response.json()) as { dropped: number };
  return body.dropped;
}
