import { NEVER } from 'rxjs';
import type { ByteDuplex } from '../../../src/transport/rawsocket/byte-duplex.js';
import { rawSocketTransport } from '../../../src/transport/rawsocket/transport.js';

/** Records the very arrays written (not copies), to see which receivers share an encoding. */
class RecordingDuplex implements ByteDuplex {
  readonly written: Uint8Array[] = [];
  readonly data$ = NEVER;
  readonly peer = 'recording';
  readonly bufferedAmount = 0;
  write(bytes: Uint8Array): void {
    this.written.push(bytes);
  }
  end(): void {}
  destroy(): void {}
}

function receivers(count: number, serializerId = 1): Array<{ duplex: RecordingDuplex; send: (frame: string | Uint8Array) => void }> {
  return Array.from({ length: count }, () => {
    const duplex = new RecordingDuplex();
    const transport = rawSocketTransport(duplex, { serializerId, maxIncomingMessageSize: 1 << 24, maxOutgoingMessageSize: 1 << 24 });
    return { duplex, send: (frame) => transport.outgoing.next(frame) };
  });
}

/** A RawSocket message frame: type 0 and the 24-bit length, then the payload. */
function framed(payload: Uint8Array): number[] {
  return [0, (payload.length >> 16) & 0xff, (payload.length >> 8) & 0xff, payload.length & 0xff, ...payload];
}

describe('RawSocket transport: one message to many receivers', () => {
  it('encodes a JSON frame once and writes the same prefixed bytes to every receiver', () => {
    const peers = receivers(3);
    const frame = JSON.stringify([36, 5, 6, {}, ['ünïcode ✓ 𝄞']]);
    for (const peer of peers) peer.send(frame);
    const [first] = peers[0]!.duplex.written;
    expect(Array.from(first!)).toEqual(framed(new TextEncoder().encode(frame)));
    for (const peer of peers) expect(peer.duplex.written).toEqual([first!]);
    for (const peer of peers) expect(peer.duplex.written[0]).toBe(first!);
  });

  it('shares the prefixed copy of a binary frame, and writes a large one after its prefix by reference', () => {
    const peers = receivers(2, 2);
    const small = Uint8Array.of(0x95, 0x24, 5, 6, 0x80, 0x90);
    const large = new Uint8Array(70_000).fill(7);
    for (const peer of peers) peer.send(small);
    for (const peer of peers) peer.send(large);
    const [a, b] = peers.map((p) => p.duplex.written);
    expect(Array.from(a![0]!)).toEqual(framed(small));
    expect(b![0]).toBe(a![0]!);
    expect(Array.from(a![1]!)).toEqual([0, 0x01, 0x11, 0x70]);
    expect(b![1]).toBe(a![1]!);
    expect(a![2]).toBe(large);
    expect(b![2]).toBe(large);
  });

  it('never writes one frame in place of another, and encodes anew in a later task', async () => {
    const [one, two] = receivers(2);
    one!.send('["a"]');
    one!.send('["b"]');
    two!.send('["a"]');
    const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes.subarray(4));
    expect(one!.duplex.written.map(text)).toEqual(['["a"]', '["b"]']);
    expect(two!.duplex.written.map(text)).toEqual(['["a"]']);
    await Promise.resolve();
    two!.send('["a"]');
    expect(two!.duplex.written[1]).not.toBe(two!.duplex.written[0]!);
    expect(text(two!.duplex.written[1]!)).toBe('["a"]');
  });
});
