import { tap } from 'rxjs';
import type { Frame, Transport } from '../../src/transport/transport.js';
import { wrapTransport } from './wrapped-transport.js';

/** A transport that records every frame it receives and sends, for specs that check what a peer saw. */
export function tapped(transport: Transport): { transport: Transport; received: Frame[]; sent: Frame[] } {
  const received: Frame[] = [];
  const sent: Frame[] = [];
  const wrapped = wrapTransport(transport, {
    incoming$: transport.incoming$.pipe(tap((frame) => received.push(frame))),
    outgoing: {
      next: (frame) => {
        sent.push(frame);
        transport.outgoing.next(frame);
      },
      error: (err: unknown) => transport.outgoing.error(err),
      complete: () => transport.outgoing.complete(),
    },
  });
  return { transport: wrapped, received, sent };
}

/** Does a frame contain `text`, as UTF-8 bytes or as text? */
export function frameContains(frame: Frame, text: string): boolean {
  if (typeof frame === 'string') return frame.includes(text);
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= frame.length; i++) {
    for (let j = 0; j < needle.length; j++) if (frame[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
