import { OutboundBacklog } from '../../src/router/outbound-backlog.js';

describe('OutboundBacklog', () => {
  it('is empty before anything is recorded', () => {
    expect(new OutboundBacklog().size).toBe(0);
  });

  it('counts as queued the most recent frames that cover the buffered octets', () => {
    const backlog = new OutboundBacklog();
    expect(backlog.record(10, 10)).toBe(1);
    expect(backlog.record(20, 30)).toBe(2);
    expect(backlog.record(5, 35)).toBe(3);
    expect(backlog.size).toBe(3);
    // 16 octets still buffered: the 5-octet frame and part of the 20-octet one.
    expect(backlog.record(1, 16)).toBe(3);
    expect(backlog.size).toBe(3);
  });

  it('counts a frame whose last octet was flushed as sent, one with an octet left as queued', () => {
    const backlog = new OutboundBacklog();
    backlog.record(10, 10);
    backlog.record(10, 20);
    // Exactly the second frame buffered: the first is gone.
    expect(backlog.record(4, 14)).toBe(2);
    expect(backlog.size).toBe(2);
    // One octet more than the last frame buffered: the one before still counts.
    expect(backlog.record(4, 5)).toBe(2);
    // Nothing buffered after a write: nothing is queued.
    expect(backlog.record(3, 0)).toBe(0);
    expect(backlog.size).toBe(0);
  });

  it('keeps counting right once the frames already sent are compacted away', () => {
    // Thousands of frames sent while one stays buffered: the count follows the transport exactly.
    const backlog = new OutboundBacklog();
    expect(backlog.record(2, 3)).toBe(1);
    for (let i = 0; i < 5000; i++) expect(backlog.record(2, 3)).toBe(2);
    expect(backlog.record(2, 2)).toBe(1);
    // Then the peer stops reading: every frame written stays queued.
    for (let i = 1; i <= 3000; i++) expect(backlog.record(1, 2 + i)).toBe(i + 1);
    expect(backlog.size).toBe(3001);
    // It reads all but the last 10 octets again.
    expect(backlog.record(1, 10)).toBe(10);
  });

  it('drops the offsets of sent frames once more than 1 024 of them are over half of what it holds', () => {
    // A busy session that never drains completely must not hold one number per frame ever sent.
    const backlog = new OutboundBacklog();
    const held: number[] = [];
    // One octet per frame, only the latest one buffered.
    for (let i = 1; i <= 1026; i++) {
      backlog.record(1, 1);
      held.push(backlog.held);
    }
    expect(held.slice(0, 3)).toEqual([1, 2, 3]);
    expect(held.slice(1023)).toEqual([1024, 1025, 1]);
    expect(backlog.size).toBe(1);

    // Exactly half sent is not over half: kept until the next frame tips it.
    const even = new OutboundBacklog();
    for (let i = 1; i <= 2049; i++) even.record(1, i);
    expect(even.record(1, 1025)).toBe(1025);
    expect(even.held).toBe(2050);
    expect(even.record(1, 1025)).toBe(1025);
    expect(even.held).toBe(1025);
  });

  it('is empty after clear, and counts anew from the next frame', () => {
    const backlog = new OutboundBacklog();
    backlog.record(10, 10);
    backlog.record(10, 20);
    backlog.clear();
    expect(backlog.size).toBe(0);
    expect(backlog.record(7, 7)).toBe(1);
    expect(backlog.record(7, 14)).toBe(2);
  });

  it('clears a backlog that only ever recorded empty frames', () => {
    const backlog = new OutboundBacklog();
    backlog.clear();
    expect(backlog.size).toBe(0);
    expect(backlog.record(0, 0)).toBe(0);
    backlog.clear();
    expect(backlog.size).toBe(0);
    expect(backlog.record(3, 3)).toBe(1);
  });
});
