// A caller of the calculator contract (calculator.ts); callee.ts implements it.
//   npx tsx examples/typed-contract/caller.ts                                  # its own router, callee in-process
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/typed-contract/caller.ts  # with callee.ts running there
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import type { Subscription } from 'rxjs';
import { WampClient, WampError } from 'rxwamp';
import { routerUrls } from '../support/router-urls.js';
import { add, computed, divide, runningSum } from './calculator.js';
import { serveCalculator } from './callee.js';

const router = await routerUrls();

// Without WAMP_URL nobody else serves the contract: run the callee here, on its own client.
let callee: { client: WampClient; registrations: Subscription } | undefined;
if (process.env['WAMP_URL'] === undefined) {
  const client = new WampClient({ url: router.ws, realm: 'realm1' });
  const registered = serveCalculator(client);
  await new Promise<void>((resolve, reject) => {
    let count = 0;
    callee = { client, registrations: registered.subscribe({ next: () => ++count === 3 && resolve(), error: reject }) };
  });
}

const caller = new WampClient({ url: router.ws, realm: 'realm1', serializer: 'msgpack' });

/** The URI and first issue of a refused call. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'accepted?!';
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    const [issue] = err.kwargs['issues'] as Array<{ message: string; path: Array<string | number> }>;
    return `${err.uri} (${issue!.path.join('.')}: ${issue!.message})`;
  }
}

// Every result the callee announces on the contract's topic, typed: [what, value].
const announcements = lastValueFrom(caller.subscribe(computed).pipe(take(3), toArray()));
await firstValueFrom(caller.session$);

const [sum] = (await lastValueFrom(caller.call(add, [2, 3]))).args;
console.log(`caller: add(2, 3) = ${sum}`);
const [quotient] = (await lastValueFrom(caller.call(divide, [22, 7], { digits: 3 }))).args;
console.log(`caller: divide(22, 7) = ${quotient}`);
await lastValueFrom(
  caller.call(runningSum, [4], {}, { receive_progress: true }).pipe(tap((r) => console.log(`caller: running_sum ${r.progress ? 'progress' : 'final'} ${r.args[0]}`))),
);

// Refused on this side: the divisor breaks the contract, so no CALL is sent.
console.log(`caller: divide(1, 0) refused locally: ${await refusal(lastValueFrom(caller.call(divide, [1, 0])))}`);
// A caller that skips the contract (a plain URI) is refused by the callee instead.
console.log(`caller: add('2', 3) by plain URI refused by the callee: ${await refusal(lastValueFrom(caller.call('com.example.calc.add', ['2', 3])))}`);

for (const [what, value] of (await announcements).map((e) => e.args)) console.log(`caller: computed ${what} ${value}`);

await caller.close();
if (callee !== undefined) {
  callee.registrations.unsubscribe();
  await callee.client.close();
}
await router.close();
console.log('done');
