import { lastValueFrom, Observable, of } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { Router } from '../../src/router/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { firstKeeping } from '../support/router-clients.js';

/** The part of RTCDataChannel the README's recipe uses. */
interface DataChannelLike {
  readonly label: string;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  send(data: string | Uint8Array): void;
  close(): void;
}

/** Two connected in-memory channels shaped like RTCDataChannel (delivery on a later microtask, as a real one). */
function dataChannelPair(): [DataChannelLike, DataChannelLike] {
  const make = (label: string): DataChannelLike & { other?: DataChannelLike; closed: boolean } => ({
    label,
    onmessage: null,
    onclose: null,
    closed: false,
    send(data) {
      const other = this.other!;
      queueMicrotask(() => other.onmessage?.({ data }));
    },
    close() {
      if (this.closed) return;
      this.closed = true;
      const other = this.other! as DataChannelLike & { closed: boolean };
      queueMicrotask(() => {
        this.onclose?.();
        if (!other.closed) other.close();
      });
    },
  });
  const a = make('a');
  const b = make('b');
  a.other = b;
  b.other = a;
  return [a, b];
}

// The README's recipe ("Other transports"), verbatim but for the channel type.
function dataChannelTransport(channel: DataChannelLike): Transport {
  return {
    protocol: 'wamp.2.json', peer: `datachannel:${channel.label}`, bufferedAmount: 0, maxOutgoingMessageSize: Infinity,
    incoming$: new Observable<string>((subscriber) => {
      channel.onmessage = (event) => subscriber.next(event.data as string); // "handle_message"
      channel.onclose = () => subscriber.complete();
      return () => channel.close();                                         // unsubscribing closes
    }),
    outgoing: { next: (frame) => channel.send(frame), complete: () => channel.close(), error: () => channel.close() }, // "on_send"
  };
}

describe("README's recipe: any channel as a Transport", () => {
  it('runs a WAMP call between a client and the router over a data-channel-like pair', async () => {
    const router = new Router({ realms: [{ name: 'realm1' }] });
    const connect = (): WampClient =>
      new WampClient({
        realm: 'realm1',
        reconnect: false,
        transport: () => {
          const [mine, theirs] = dataChannelPair();
          router.attach(dataChannelTransport(theirs));
          return of(dataChannelTransport(mine));
        },
      });
    const callee = connect();
    const caller = connect();
    await firstKeeping(callee.register('com.example.twice', ([x]) => (x as number) * 2));
    expect((await lastValueFrom(caller.call('com.example.twice', [21]))).args).toEqual([42]);
    await caller.close();
    await callee.close();
    await router.close();
  });
});
