import { Observable, Subject } from 'rxjs';
import { sharedByKey } from '../../src/session/shared-by-key.js';

describe('sharedByKey', () => {
  it('shares one Observable per key while it has subscribers, and starts afresh after the last one left', () => {
    const cache = new Map<string, Observable<number>>();
    let created = 0;
    const source = new Subject<number>();
    const shared = () => sharedByKey(cache, 'k', () => (created++, source));
    const seen: number[] = [];
    const a = shared().subscribe((n) => seen.push(n));
    const b = shared().subscribe((n) => seen.push(n * 10));
    source.next(1);
    expect([created, cache.size, seen]).toEqual([1, 1, [1, 10]]);
    a.unsubscribe();
    b.unsubscribe();
    expect(cache.size).toBe(0);
    shared().subscribe();
    expect(created).toBe(2);
  });

  it('keeps a newer shared Observable cached when an older one, rejoined while it completed, ends later', () => {
    const cache = new Map<string, Observable<string>>();
    const sources: Array<Subject<string>> = [];
    let created = 0;
    // Each subscription to a created Observable gets its own Subject, so a test can end each one.
    const shared = () =>
      sharedByKey(cache, 'k', () => {
        created++;
        return new Observable<string>((subscriber) => {
          const s = new Subject<string>();
          sources.push(s);
          return s.subscribe(subscriber);
        });
      });
    const first = shared();
    // A subscriber that rejoins when the stream completes (as `repeat()` does): it finds the old
    // Observable still cached, since its teardown (which leaves the cache) runs after the completion.
    let rejoined: { unsubscribe(): void } | undefined;
    first.subscribe({ complete: () => (rejoined = shared().subscribe()) });
    sources[0]!.complete();
    expect([created, sources.length]).toEqual([1, 2]);
    expect(cache.size).withContext('the first teardown removed the Observable the rejoined subscriber holds').toBe(0);
    const newer = shared().subscribe();
    expect(created).toBe(2);
    // The rejoined subscriber leaves: the older Observable tears down, and must not evict the newer one.
    rejoined!.unsubscribe();
    expect(cache.size).toBe(1);
    shared().subscribe();
    expect(created).withContext('a later subscriber joins the newer Observable').toBe(2);
    newer.unsubscribe();
  });
});
