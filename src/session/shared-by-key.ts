import { defer, finalize, share } from 'rxjs';
import type { Observable } from 'rxjs';

/**
 * One multicast Observable per key: the first subscriber creates it from `create()`, later
 * ones join it, and when the last one leaves it tears down and leaves the cache, so that
 * the next subscriber starts afresh (one WAMP subscription per topic and options).
 */
export function sharedByKey<T>(cache: Map<string, Observable<T>>, key: string, create: () => Observable<T>): Observable<T> {
  return defer(() => {
    let shared = cache.get(key);
    if (shared === undefined) {
      const created: Observable<T> = create().pipe(
        finalize(() => {
          if (cache.get(key) === created) cache.delete(key);
        }),
        share(),
      );
      cache.set(key, created);
      shared = created;
    }
    return shared;
  });
}
