import { AbandonedRequests } from '../../src/session/abandoned-requests.js';

describe('AbandonedRequests', () => {
  it('remembers abandoned ids up to its limit, forgetting the oldest first', () => {
    const abandoned = new AbandonedRequests(3);
    for (const id of [1, 2, 3]) abandoned.add(id);
    expect([abandoned.size, abandoned.has(1)]).toEqual([3, true]);
    abandoned.add(4);
    expect([abandoned.size, abandoned.has(1), abandoned.has(2), abandoned.has(4)]).toEqual([3, false, true, true]);
  });

  it('take forgets an id, has keeps it, clear forgets all', () => {
    const abandoned = new AbandonedRequests();
    abandoned.add(7);
    abandoned.add(8);
    expect(abandoned.has(7)).toBeTrue();
    expect(abandoned.take(7)).toBeTrue();
    expect(abandoned.take(7)).toBeFalse();
    abandoned.clear();
    expect([abandoned.size, abandoned.has(8)]).toEqual([0, false]);
  });
});
