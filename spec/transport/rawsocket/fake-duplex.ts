import { NEVER, share } from 'rxjs';
import type { Observable } from 'rxjs';
import type { ByteDuplex } from '../../../src/transport/rawsocket/byte-duplex.js';

/** A ByteDuplex for specs: reads from a given Observable, records what is written and how it ended. */
export class FakeDuplex implements ByteDuplex {
  readonly written: Uint8Array[] = [];
  /** Times (from `now`) of each write, for marble specs. */
  readonly writeTimes: number[] = [];
  bufferedAmount = 0;
  ended = false;
  destroyed = false;
  readonly peer = 'fake-peer';
  readonly data$: Observable<Uint8Array>;
  readonly #now: () => number;

  constructor(data$: Observable<Uint8Array> = NEVER, now: () => number = () => 0) {
    // Hot, like a socket: a second consumer sees only what arrives after it subscribes.
    this.data$ = data$.pipe(share({ resetOnError: false, resetOnComplete: false, resetOnRefCountZero: false }));
    this.#now = now;
  }

  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
    this.writeTimes.push(this.#now());
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** Everything written, as one array of octets. */
  allWritten(): number[] {
    return this.written.flatMap((b) => Array.from(b));
  }
}

/** Octets → Uint8Array, for readable specs. */
export const bytes = (...octets: number[]): Uint8Array => Uint8Array.from(octets);
