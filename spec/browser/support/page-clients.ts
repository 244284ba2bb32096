import { Observable } from 'rxjs';
import { WampClient } from '../../../src/index.js';
import type { WampClientOptions } from '../../../src/index.js';
import { routerUrl } from './karma-env.js';

/** Subscribes and resolves with the first value while staying subscribed (a registration must stay). */
export function firstKeeping<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => source.subscribe({ next: resolve, error: reject }));
}

/**
 * For a describe block: `client()` makes a WampClient on the karma run's router, closed
 * after each spec; `uniqueUri(name)` names a procedure or topic no other spec (or earlier
 * run) uses, under `prefix`.
 */
export function pageClients(prefix: string): { client: (options?: Partial<WampClientOptions>) => WampClient; uniqueUri: (name: string) => string } {
  let clients: WampClient[] = [];
  let count = 0;
  beforeEach(() => {
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  return {
    client: (options = {}) => {
      const c = new WampClient({ url: routerUrl(), realm: 'realm1', reconnect: false, ...options });
      clients.push(c);
      return c;
    },
    uniqueUri: (name) => `${prefix}.${name}.${Date.now()}.${++count}`,
  };
}
