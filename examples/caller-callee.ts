// A callee and a caller: progressive results, and cancellation by unsubscribing.
//   npx tsx examples/caller-callee.ts                                  # its own router
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/caller-callee.ts  # a running router
import { finalize, interval, lastValueFrom, map, merge, Subscription, take, tap, toArray } from 'rxjs';
import { WampClient } from 'rxwamp';
import { routerUrls } from './support/router-urls.js';

const router = await routerUrls();
const callee = new WampClient({ url: router.ws, realm: 'realm1' });
const caller = new WampClient({ url: router.ws, realm: 'realm1', serializer: 'msgpack' });

// A handler returning an Observable streams progressive results: every value but the
// last is sent as a progressive RESULT when the caller asked for them.
const countdown = callee.register('com.example.countdown', ([from]) =>
  interval(20).pipe(
    take(Number(from)),
    map((i) => Number(from) - i),
  ),
);

// An endless stream: only a CANCEL from the caller (an INTERRUPT here) stops it.
let interrupted!: (ticks: number) => void;
const wasInterrupted = new Promise<number>((resolve) => (interrupted = resolve));
const ticks = callee.register('com.example.ticks', () => {
  let sent = 0;
  return interval(10).pipe(
    tap(() => sent++),
    finalize(() => interrupted(sent)),
  );
});

// A registration lives while its Observable is subscribed; wait until the router confirmed both.
const registrations = new Subscription();
await new Promise<void>((resolve, reject) => {
  let pending = 2;
  const each = merge(countdown, ticks).subscribe({
    next: (registration) => {
      console.log(`callee: registered ${registration.procedure}`);
      if (--pending === 0) resolve();
    },
    error: reject,
  });
  registrations.add(each);
});

const results = await lastValueFrom(
  caller.call('com.example.countdown', [3], {}, { receive_progress: true }).pipe(
    tap((r) => console.log(`caller: ${r.progress ? 'progress' : 'final'} ${String(r.args[0])}`)),
    toArray(),
  ),
);
console.log(`caller: countdown gave ${results.length} results`);

// take(2) unsubscribes after two results: the call is canceled, the callee's stream stops.
const firstTicks = await lastValueFrom(caller.call('com.example.ticks', [], {}, { receive_progress: true }).pipe(take(2), toArray()));
console.log(`caller: took ${firstTicks.length} ticks, then unsubscribed`);
const sent = await wasInterrupted;
console.log(`callee: ticks stopped by the caller's cancel after ${sent} ticks`);

registrations.unsubscribe();
await Promise.all([caller.close(), callee.close()]);
await router.close();
console.log('done');
