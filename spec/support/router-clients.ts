import { asapScheduler, lastValueFrom, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../src/client/client-options.js';
import type { Router } from '../../src/router/router.js';
import { loopbackPair } from '../../src/transport/loopback.js';
import type { Transport } from '../../src/transport/transport.js';

/** A WampClient on a loopback transport to a real Router, with a way to cut the transport without GOODBYE. */
export interface TestClient {
  readonly client: WampClient;
  /** Cuts the current transport as a network failure would: no GOODBYE. */
  cut(): void;
}

/** Connects a WampClient to `router` over loopback (no reconnect unless asked). */
export function connectClient(router: Router, options: Partial<WampClientOptions> = {}, protocol = 'wamp.2.json'): TestClient {
  let current: Transport | undefined;
  const client = new WampClient({
    realm: 'realm1',
    reconnect: false,
    ...options,
    transport: () => {
      const [clientEnd, routerEnd] = loopbackPair(protocol, { scheduler: asapScheduler });
      current = clientEnd;
      router.attach(routerEnd);
      return of(clientEnd);
    },
  });
  return { client, cut: () => current?.outgoing.complete() };
}

/** Subscribes and resolves with the first value while staying subscribed (a registration must stay). */
export function firstKeeping<T>(source: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => source.subscribe({ next: resolve, error: reject }));
}

/** The single result value of a call. */
export async function callValue(client: WampClient, procedure: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
  const result = await lastValueFrom(client.call(procedure, args, kwargs));
  return result.args[0];
}

/**
 * Waits until everything the client sent before has been processed by the router: a call
 * is answered only after the router handled the session's earlier messages, in order.
 */
export async function settled(client: WampClient): Promise<void> {
  await lastValueFrom(client.call('wamp.session.count'));
}

/**
 * Collects what an Observable emits, for later inspection. An error of the source fails the
 * waiting and later `next()` calls (instead of going unhandled and ending the process).
 */
export function collect<T>(source: Observable<T>): { values: T[]; stop: () => void; next: () => Promise<T> } {
  const values: T[] = [];
  const waiters: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  let failed: { error: unknown } | undefined;
  const subscription = source.subscribe({
    next: (v) => {
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter.resolve(v);
      else values.push(v);
    },
    error: (error: unknown) => {
      failed = { error };
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    },
  });
  return {
    values,
    stop: () => subscription.unsubscribe(),
    next: () => {
      if (values.length > 0) return Promise.resolve(values.shift()!);
      if (failed !== undefined) return Promise.reject(failed.error);
      return new Promise<T>((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}
