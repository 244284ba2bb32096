import { Router } from '../../src/router/index.js';
import { RawPeer } from '../support/raw-peer.js';

const PPT = { ppt_scheme: 'x_opaque', ppt_serializer: 'cbor' };
const PPT_ROLES = {
  roles: {
    caller: { features: { payload_passthru_mode: true } },
    callee: { features: { payload_passthru_mode: true } },
    publisher: { features: { payload_passthru_mode: true } },
    subscriber: { features: { payload_passthru_mode: true } },
  },
};
/** Bytes that are valid in no serialization at all (0xff is a CBOR "break" out of place, an invalid MessagePack byte, not UTF-8). */
const GARBAGE = new Uint8Array([0xff, 0xc1, 0xff, 0x00, 0xfe, 0x1f, 0xff]);

/** A CBOR item nested `depth` arrays deep: [[[…[1]…]]]. */
function deepCbor(depth: number): Uint8Array {
  const bytes = new Uint8Array(depth + 1);
  bytes.fill(0x81, 0, depth); // array of one item
  bytes[depth] = 0x01;
  return bytes;
}

describe('Router: payload passthru payloads are relayed, never decoded', () => {
  let router: Router;
  let peers: RawPeer[];

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }], limits: { maxPayloadDepth: 8 } });
    peers = [];
  });

  afterEach(async () => {
    for (const peer of peers) peer.cut();
    await router.close();
  });

  async function peer(protocol: string): Promise<RawPeer> {
    const p = new RawPeer(router, protocol);
    peers.push(p);
    await p.join('realm1', PPT_ROLES);
    return p;
  }

  for (const protocol of ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor']) {
    it(`relays bytes that no serializer could read, byte for byte, with their ppt_ attributes (${protocol})`, async () => {
      const callee = await peer(protocol);
      const caller = await peer(protocol);
      const subscriber = await peer(protocol);
      callee.send(64, 1, {}, 'com.example.opaque');
      await callee.next(65);
      subscriber.send(32, 1, {}, 'com.example.opaque');
      await subscriber.next(33);

      caller.send(48, 1, { ...PPT, ppt_cipher: 'x_mine', ppt_keyid: 'k1' }, 'com.example.opaque', [GARBAGE]);
      const invocation = await callee.next(68);
      expect(invocation[3]).toEqual({ ...PPT, ppt_cipher: 'x_mine', ppt_keyid: 'k1' });
      expect(invocation[4]).toEqual([GARBAGE]);
      callee.send(70, invocation[1], { ...PPT, ppt_keyid: 'k2' }, [GARBAGE.slice().reverse()]);
      const result = await caller.next(50);
      expect(result[2]).toEqual({ ...PPT, ppt_keyid: 'k2' });
      expect(result[3]).toEqual([GARBAGE.slice().reverse()]);

      caller.send(16, 2, { ...PPT, acknowledge: true }, 'com.example.opaque', [GARBAGE]);
      await caller.next(17);
      const event = await subscriber.next(36);
      expect(event[3]).toEqual(PPT);
      expect(event[4]).toEqual([GARBAGE]);
    });
  }

  it('does not look inside a payload: nesting the router refuses in plain args passes inside a passthru payload', async () => {
    const publisher = await peer('wamp.2.cbor');
    const subscriber = await peer('wamp.2.cbor');
    subscriber.send(32, 1, {}, 'com.example.deep');
    await subscriber.next(33);
    // 100 levels inside the payload, against a router limit of 8.
    publisher.send(16, 1, { ...PPT, acknowledge: true }, 'com.example.deep', [deepCbor(100)]);
    await publisher.next(17);
    expect((await subscriber.next(36))[4]).toEqual([deepCbor(100)]);
    // The same depth as plain Arguments is refused: the router does check what it may read.
    let nested: unknown = 1;
    for (let i = 0; i < 20; i++) nested = [nested];
    publisher.send(16, 2, { acknowledge: true }, 'com.example.deep', [nested]);
    const refused = await publisher.nextOf([8, 3]);
    expect(JSON.stringify(refused)).toMatch(/max_payload_depth/);
  });

  it('aborts a caller, publisher or callee that uses passthru mode without announcing it (protocol_violation)', async () => {
    const callee = await peer('wamp.2.json');
    callee.send(64, 1, {}, 'com.example.opaque');
    await callee.next(65);

    const silentCaller = new RawPeer(router, 'wamp.2.json');
    peers.push(silentCaller);
    await silentCaller.join();
    silentCaller.send(48, 1, PPT, 'com.example.opaque', [GARBAGE]);
    const abortedCaller = await silentCaller.next(3);
    expect(abortedCaller[2]).toBe('wamp.error.protocol_violation');
    expect(JSON.stringify(abortedCaller[1])).toMatch(/did not announce payload_passthru_mode/);

    const silentPublisher = new RawPeer(router, 'wamp.2.json');
    peers.push(silentPublisher);
    await silentPublisher.join();
    silentPublisher.send(16, 1, PPT, 'com.example.opaque', [GARBAGE]);
    const abortedPublisher = await silentPublisher.next(3);
    expect(abortedPublisher[2]).toBe('wamp.error.protocol_violation');
    expect(JSON.stringify(abortedPublisher[1])).toMatch(/PUBLISH in payload passthru mode from a publisher that did not announce payload_passthru_mode/);

    const silentCallee = new RawPeer(router, 'wamp.2.json');
    peers.push(silentCallee);
    await silentCallee.join();
    silentCallee.send(64, 1, {}, 'com.example.plain');
    await silentCallee.next(65);
    const caller = await peer('wamp.2.json');
    caller.send(48, 1, {}, 'com.example.plain', [1]);
    const invocation = await silentCallee.next(68);
    silentCallee.send(70, invocation[1], PPT, [GARBAGE]);
    const abortedCallee = await silentCallee.next(3);
    expect(abortedCallee[2]).toBe('wamp.error.protocol_violation');
    expect(JSON.stringify(abortedCallee[1])).toMatch(/YIELD in payload passthru mode from a callee that did not announce payload_passthru_mode/);
    expect(callee.received.filter((m) => m[0] === 68)).toEqual([]);
  });
});
