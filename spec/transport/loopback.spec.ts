import { asapScheduler, firstValueFrom, toArray } from 'rxjs';
import { loopbackPair } from '../../src/transport/loopback.js';
import { TransportError } from '../../src/transport/transport.js';
import type { Frame } from '../../src/transport/transport.js';

describe('loopbackPair', () => {
  it('delivers frames in order and holds those sent before the first subscription', () => {
    const [a, b] = loopbackPair();
    a.outgoing.next('one');
    const seen: Frame[] = [];
    b.incoming$.subscribe((f) => seen.push(f));
    a.outgoing.next(new Uint8Array([2]));
    expect(seen).toEqual(['one', new Uint8Array([2])]);
  });

  it('completes both ends when one closes cleanly', () => {
    const [a, b] = loopbackPair();
    const ends: string[] = [];
    a.incoming$.subscribe({ complete: () => ends.push('a') });
    b.incoming$.subscribe({ complete: () => ends.push('b') });
    a.outgoing.complete();
    expect(ends).toEqual(['a', 'b']);
    a.outgoing.next('ignored after close');
  });

  it('fails the other end with a TransportError when one closes with an error', () => {
    const [a, b] = loopbackPair();
    let failure: unknown;
    b.incoming$.subscribe({ error: (e) => (failure = e) });
    a.outgoing.error(new Error('gone'));
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).message).toContain('gone');
  });

  it('closes the connection when its consumer unsubscribes', () => {
    const [a, b] = loopbackPair();
    let completed = false;
    b.incoming$.subscribe({ complete: () => (completed = true) });
    a.incoming$.subscribe().unsubscribe();
    expect(completed).toBeTrue();
  });

  it('refuses a second consumer', () => {
    const [a] = loopbackPair();
    a.incoming$.subscribe();
    let failure: unknown;
    a.incoming$.subscribe({ error: (e) => (failure = e) });
    expect((failure as TransportError).code).toBe('busy');
  });

  it('delivers later on a scheduler', async () => {
    const [a, b] = loopbackPair('wamp.2.json', { scheduler: asapScheduler });
    const all = firstValueFrom(b.incoming$.pipe(toArray()));
    a.outgoing.next('x');
    a.outgoing.next('y');
    a.outgoing.complete();
    expect(await all).toEqual(['x', 'y']);
  });
});
