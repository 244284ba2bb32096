import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import type { TlsChannel } from '../transport/tls-channel.js';
import type { ByteDuplex } from '../transport/rawsocket/byte-duplex.js';
import { writeCoalescer } from './coalesce-writes.js';

/** A description of a socket's peer for logs: `tcp:1.2.3.4:5678` or `unix:/path`. */
export function describeSocketPeer(socket: Socket, unixPath?: string): string {
  if (socket.remoteAddress !== undefined) {
    const host = socket.remoteAddress.includes(':') ? `[${socket.remoteAddress}]` : socket.remoteAddress;
    return `tcp:${host}:${socket.remotePort ?? '?'}`;
  }
  return `unix:${unixPath ?? 'socket'}`;
}

/**
 * A connected Node socket as a ByteDuplex. The socket reads only while `data$` is
 * subscribed (it is paused in between), so no bytes are lost when the RawSocket
 * handshake hands the stream to the transport. A TLS socket passes its `tls` channel along.
 */
export function socketDuplex(socket: Socket, peer: string = describeSocketPeer(socket), tls?: TlsChannel): ByteDuplex {
  socket.setNoDelay?.(true);
  socket.pause();
  // A failure with no reader (paused between consumers) must not crash the process.
  socket.on('error', () => undefined);
  let ended = false;
  let failure: Error | undefined;
  socket.once('end', () => (ended = true));
  socket.once('close', () => (ended = true));
  socket.once('error', (err) => (failure = err));
  const data$ = new Observable<Uint8Array>((subscriber) => {
    if (failure !== undefined) {
      subscriber.error(failure);
      return;
    }
    if (ended || socket.destroyed) {
      subscriber.complete();
      return;
    }
    const onData = (chunk: Buffer): void => subscriber.next(chunk);
    const onEnd = (): void => subscriber.complete();
    const onError = (err: Error): void => subscriber.error(err);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.resume();
    return () => {
      socket.pause();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
  });
  // The frames written in one turn leave in one write (see coalesce-writes.ts).
  const coalesce = writeCoalescer(socket);
  return {
    data$,
    peer,
    tls,
    get bufferedAmount() {
      return socket.writableLength;
    },
    write: (bytes) => {
      if (socket.destroyed || !socket.writable) return;
      coalesce();
      socket.write(bytes);
    },
    end: () => {
      if (!socket.destroyed) socket.end();
    },
    destroy: () => {
      if (socket.destroyed) return;
      // A TCP reset tells the peer the connection failed rather than ended cleanly.
      if (typeof socket.resetAndDestroy === 'function' && socket.remoteAddress !== undefined) {
        try {
          socket.resetAndDestroy();
          return;
        } catch {
          // not a TCP handle after all: fall through
        }
      }
      socket.destroy();
    },
  };
}
