import { lastValueFrom, of } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { scriptedConnection } from '../support/scripted-router.js';
import type { ScriptedRouter } from '../support/scripted-router.js';

const CYCLES = 100_000;

function quietClient(): { client: WampClient; router: ScriptedRouter } {
  const { transport, router } = scriptedConnection();
  router.record = false;
  const client = new WampClient({ realm: 'realm1', transport: () => of(transport) });
  return { client, router };
}

describe('WampClient memory', () => {
  it(`keeps its internal maps empty over ${CYCLES} subscribe/unsubscribe cycles`, () => {
    const { client, router } = quietClient();
    let events = 0;
    const sizes = new Set<number>();
    for (let i = 0; i < CYCLES; i++) {
      const subscription = client.subscribe(`com.example.topic${i % 7}`).subscribe(() => events++);
      router.send([36, 100 + i, i + 1, {}, [i]]);
      subscription.unsubscribe();
      if (i % 10_000 === 0) sizes.add(client.internalSize());
    }
    expect(events).toBe(CYCLES);
    expect([...sizes]).toEqual([0]);
    expect(client.internalSize()).toBe(0);
    expect(client.session?.state).toBe('established');
  });

  it(`keeps its internal maps empty over ${CYCLES} calls, finished or canceled`, async () => {
    const { client, router } = quietClient();
    router.on('CALL', (call) => ((call[1] as number) % 2 === 0 ? [] : [[50, call[1], {}, [call[1]]]]));
    router.on('CANCEL', (cancel) => [[8, 48, cancel[0 + 1], {}, 'wamp.error.canceled']]);
    let results = 0;
    for (let i = 0; i < CYCLES; i++) {
      // Odd requests finish at once; even ones get no answer and are canceled by unsubscribing.
      const subscription = client.call('com.example.add', [i]).subscribe(() => results++);
      subscription.unsubscribe();
    }
    expect(results).toBe(CYCLES / 2);
    expect(client.internalSize()).toBe(0);
    const last = await lastValueFrom(client.call('com.example.add'), { defaultValue: undefined });
    expect(last).toBeDefined();
    // Request ids are a session-scope sequence from 1: this call is CYCLES + 1 (odd, so answered with its id).
    expect(last?.args).toEqual([CYCLES + 1]);
    expect(client.internalSize()).toBe(0);
  });
});
