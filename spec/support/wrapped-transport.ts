import type { Observable, Observer } from 'rxjs';
import type { Frame, Transport } from '../../src/transport/transport.js';

/**
 * The same transport with its frame streams replaced: everything else (protocol, buffered
 * amount, size limit, peer, TLS channel) is read through to the original, so a spec's
 * wrapper never hides what the router or client reads of it.
 */
export function wrapTransport(transport: Transport, streams: { incoming$?: Observable<Frame>; outgoing?: Observer<Frame> }): Transport {
  return {
    incoming$: streams.incoming$ ?? transport.incoming$,
    outgoing: streams.outgoing ?? transport.outgoing,
    get protocol() {
      return transport.protocol;
    },
    get bufferedAmount() {
      return transport.bufferedAmount;
    },
    get maxOutgoingMessageSize() {
      return transport.maxOutgoingMessageSize;
    },
    get peer() {
      return transport.peer;
    },
    get tls() {
      return transport.tls;
    },
  };
}
