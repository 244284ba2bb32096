// The callee of the calculator contract (calculator.ts); caller.ts is its caller.
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/typed-contract/callee.ts   # runs until Ctrl-C
// Its handlers are typed by the contract: `a` and `b` are numbers, and returning anything
// but a number would not compile. Invocations whose arguments break the contract never
// reach a handler: the caller gets wamp.error.invalid_argument with the schema's issues.
import { pathToFileURL } from 'node:url';
import { merge, range, scan, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampClient } from 'rxwamp';
import type { Registration } from 'rxwamp';
import { add, computed, divide, runningSum } from './calculator.js';

/** Registers the calculator's procedures on `client`; emits each Registration. */
export function serveCalculator(client: WampClient): Observable<Registration> {
  const announce = (what: string, value: number): void => void client.publish(computed, [what, value]).subscribe();
  return merge(
    client.register(add, ([a, b]) => {
      announce('add', a + b);
      return a + b;
    }),
    client.register(divide, ([a, b], { digits }) => {
      const quotient = Number((a / b).toFixed(digits ?? 2));
      announce('divide', quotient);
      return quotient;
    }),
    client.register(runningSum, ([n]) =>
      range(1, n).pipe(
        scan((sum, i) => sum + i, 0),
        tap({ complete: () => announce('running_sum', (n * (n + 1)) / 2) }),
      ),
    ),
  );
}

// Run on its own: serve until SIGINT or SIGTERM.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env['WAMP_URL'];
  if (url === undefined) throw new Error('callee.ts on its own needs WAMP_URL (caller.ts without it runs both ends)');
  const client = new WampClient({ url, realm: 'realm1' });
  let registered = 0;
  const registrations = serveCalculator(client).subscribe({
    next: () => {
      if (++registered === 3) console.log('callee: ready');
    },
    error: (err: unknown) => {
      console.error('callee:', err);
      process.exitCode = 1;
    },
  });
  const stop = (): void => {
    registrations.unsubscribe();
    void client.close().then(() => console.log('callee: closed'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
