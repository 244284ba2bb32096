import { turnNow } from '../../src/router/turn-clock.js';

/** Lets the microtasks queued so far run: any reading cached in an earlier turn is dropped. */
async function nextTurn(): Promise<void> {
  await Promise.resolve();
}

describe('turnNow', () => {
  it('reads performance.now() once per turn and again in the next one', async () => {
    await nextTurn();
    const now = spyOn(performance, 'now').and.returnValues(100, 200, 300);
    expect(turnNow()).toBe(100);
    expect(turnNow()).toBe(100);
    expect(now).toHaveBeenCalledTimes(1);
    await nextTurn();
    expect(turnNow()).toBe(200);
    expect(turnNow()).toBe(200);
    expect(now).toHaveBeenCalledTimes(2);
  });
});
