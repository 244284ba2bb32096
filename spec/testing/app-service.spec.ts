// Written as an application team would: a service of theirs that composes calls and topic
// feeds, tested through rxwamp/testing in virtual time with marble diagrams.
import { catchError, combineLatest, map, merge, mergeMap, of, scan } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { marbles } from 'rxjs-marbles/jasmine';
import { z } from 'zod';
import { defineProcedure, defineTopic } from 'rxwamp';
import type { WampClient, WampError } from 'rxwamp';
import { finalResult, progressResult, TestRealm } from 'rxwamp/testing';

// --- the application's contracts and service ---------------------------------------

const quote = defineProcedure('com.shop.quote', { args: z.tuple([z.string()]), result: z.number() });
const prices = defineTopic('com.shop.prices', { args: z.tuple([z.string(), z.number()]) });
const stock = defineTopic('com.shop.stock', { args: z.tuple([z.string(), z.number().int()]) });
const exportOrders = defineProcedure('com.shop.export', { args: z.tuple([z.string()]), progress: z.number(), result: z.string() });

/** What the shop's front end shows of one product. */
interface ProductView {
  readonly price: number;
  readonly inStock: number;
}

/** The application's service: a product's price (a quote, then price events) and stock, and order exports. */
class ShopService {
  constructor(private readonly wamp: WampClient) {}

  /** The price now (one call), then every price event of the product. */
  price$(product: string): Observable<number> {
    const quoted = this.wamp.call(quote, [product]).pipe(map((r) => r.args[0]));
    const updates = this.wamp.subscribe(prices).pipe(
      mergeMap((e) => (e.args[0] === product ? [e.args[1]] : [])),
    );
    return merge(quoted, updates);
  }

  /** Price and stock together, once both are known. */
  product$(product: string): Observable<ProductView> {
    const inStock = this.wamp.subscribe(stock).pipe(
      scan((count, e) => (e.args[0] === product ? e.args[1] : count), -1),
    );
    return combineLatest([this.price$(product), inStock]).pipe(
      mergeMap(([price, count]) => (count < 0 ? [] : [{ price, inStock: count }])),
    );
  }

  /** An export's progress in percent, then the file it wrote; unsubscribing cancels it. */
  export$(month: string): Observable<number | string> {
    return this.wamp.call(exportOrders, [month], {}, { receive_progress: true }).pipe(map((r) => r.args[0]));
  }
}

// --- its specs -------------------------------------------------------------------------

describe('ShopService through rxwamp/testing, in virtual time', () => {
  let realm: TestRealm;
  let backend: WampClient;
  let shop: ShopService;
  let scheduler: TestScheduler;

  beforeEach(() => {
    realm = new TestRealm();
    backend = realm.client();
    shop = new ShopService(realm.client());
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  afterEach(() => realm.close());

  it('price$: the quote at once, then the price events of that product only', () => {
    scheduler.run(({ cold, expectObservable }) => {
      backend.register(quote, () => 100).subscribe();
      const published = cold<[string, number]>('--a-b-c', { a: ['ACME', 101], b: ['INITECH', 7], c: ['ACME', 99] });
      published.pipe(mergeMap((args) => backend.publish(prices, args))).subscribe();
      expectObservable(shop.price$('ACME'), '^------!').toBe('q-a---c', { q: 100, a: 101, c: 99 });
    });
  });

  it('product$: combines price and stock once both are known', () => {
    scheduler.run(({ cold, expectObservable }) => {
      backend.register(quote, () => 10).subscribe();
      cold<[string, number]>('---p---', { p: ['ACME', 12] }).pipe(mergeMap((args) => backend.publish(prices, args))).subscribe();
      cold<[string, number]>('-s---t-', { s: ['ACME', 3], t: ['ACME', 2] }).pipe(mergeMap((args) => backend.publish(stock, args))).subscribe();
      expectObservable(shop.product$('ACME'), '^------!').toBe('-a-b-c-', {
        a: { price: 10, inStock: 3 },
        b: { price: 12, inStock: 3 },
        c: { price: 12, inStock: 2 },
      });
    });
  });

  it('export$: progress from a callee whose handler is a cold marble Observable, then the file', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('-a-b-c|', { a: 30, b: 60, c: 'orders-2026-11.csv' });
      backend.register(exportOrders, () => work).subscribe();
      // A value goes out once the next one (or the end) shows it is not the last.
      expectObservable(shop.export$('2026-11')).toBe('---a-b(c|)', { a: 30, b: 60, c: 'orders-2026-11.csv' });
      expectSubscriptions(work.subscriptions).toBe('^-----!');
    });
  });

  it('export$: unsubscribing cancels the call, and the callee stops its work', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('-a-b-c-d-e|', { a: 10, b: 20, c: 30, d: 40, e: 'never.csv' });
      backend.register(exportOrders, () => work).subscribe();
      expectObservable(shop.export$('2026-11'), '^----!').toBe('---a-', { a: 10 });
      expectSubscriptions(work.subscriptions).toBe('^----!');
    });
  });

  it('a call observed whole: progressive results and the final one', () => {
    scheduler.run(({ cold, expectObservable }) => {
      backend.register(exportOrders, () => cold('ab-c-|', { a: 50, b: 75, c: 'done.csv' })).subscribe();
      expectObservable(realm.client().call(exportOrders, ['2026-11'], {}, { receive_progress: true })).toBe('-a-b-(c|)', {
        a: progressResult(50),
        b: progressResult(75),
        c: finalResult('done.csv'),
      });
    });
  });

  it(
    'with rxjs-marbles: a bad price event errors the feed instead of reaching the view',
    marbles((m) => {
      backend.register(quote, () => 5).subscribe();
      m.cold('--a-b', { a: ['ACME', 6], b: ['ACME', 'free'] }).pipe(mergeMap((args) => backend.publish('com.shop.prices', args))).subscribe();
      const seen = shop.price$('ACME').pipe(
        map(String),
        catchError((err: WampError) => of(err.uri)),
      );
      m.expect(seen).toBeObservable('q-a-(e|)', { q: '5', a: '6', e: 'rxwamp.error.invalid_event' });
    }),
  );
});
