import { asapScheduler, lastValueFrom, of } from 'rxjs';
import { WampClient } from '../../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../../src/client/client-options.js';
import { WampError } from '../../../src/protocol/errors.js';
import { Router } from '../../../src/router/index.js';
import { serializerFor } from '../../../src/serialization/registry.js';
import { PayloadError } from '../../../src/session/ppt/payload-error.js';
import { generatePayloadKey, xsalsa20poly1305Cipher } from '../../../src/e2ee/xsalsa20poly1305.js';
import { loopbackPair } from '../../../src/transport/loopback.js';
import type { Frame } from '../../../src/transport/transport.js';
import { encode as cborEncode } from 'cborg';
import { collect, firstKeeping, settled } from '../../support/router-clients.js';
import { RawPeer } from '../../support/raw-peer.js';
import { frameContains, tapped } from '../../support/tapped-transport.js';

const SECRET = 'top secret 4711';
const E2EE = { ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'team-key' } as const;
const PPT_ROLES = { roles: { caller: { features: { payload_passthru_mode: true } }, callee: { features: { payload_passthru_mode: true } }, publisher: { features: { payload_passthru_mode: true } }, subscriber: { features: { payload_passthru_mode: true } } } };

describe('xsalsa20poly1305Cipher', () => {
  it('seals to nonce + box and opens only with the same key, untampered', () => {
    const key = generatePayloadKey();
    const cipher = xsalsa20poly1305Cipher({ k: key });
    const plain = new TextEncoder().encode(SECRET);
    const a = cipher.encrypt(plain, 'k');
    const b = cipher.encrypt(plain, 'k');
    expect(a.length).toBe(24 + plain.length + 16);
    expect(a).not.toEqual(b); // a fresh nonce every time
    expect(cipher.decrypt(a, 'k')).toEqual(plain);
    const tampered = a.slice();
    tampered[30]! ^= 1;
    expect(() => cipher.decrypt(tampered, 'k')).toThrowError(/wrong key or tampered/);
    expect(() => xsalsa20poly1305Cipher({ k: generatePayloadKey() }).decrypt(a, 'k')).toThrowError(/wrong key or tampered/);
    expect(() => cipher.decrypt(a, 'other')).toThrowError(/no key 'other'/);
    expect(() => cipher.encrypt(plain, undefined)).toThrowError(/no ppt_keyid/);
    expect(() => xsalsa20poly1305Cipher({ k: new Uint8Array(16) }).encrypt(plain, 'k')).toThrowError(/must be 32 bytes/);
  });

  it('takes the key ring as a Map, a plain object or a function', () => {
    const key = generatePayloadKey();
    const plain = new Uint8Array([1, 2, 3]);
    const sealed = xsalsa20poly1305Cipher(new Map([['k', key]])).encrypt(plain, 'k');
    expect(xsalsa20poly1305Cipher({ k: key }).decrypt(sealed, 'k')).toEqual(plain);
    expect(xsalsa20poly1305Cipher((id) => (id === 'k' ? key : undefined)).decrypt(sealed, 'k')).toEqual(plain);
  });
});

describe('End-to-end encryption over Payload Passthru Mode, through the router', () => {
  let router: Router;
  let clients: WampClient[];
  const key = generatePayloadKey();

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    clients = [];
    taps.length = 0;
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await router.close();
  });

  /** A client whose router end is tapped: `taps` collects every frame the router received or sent. */
  function client(protocol: string, keyBytes: Uint8Array | undefined, options: Partial<WampClientOptions> = {}): WampClient {
    const c = new WampClient({
      realm: 'realm1',
      reconnect: false,
      payloadCiphers: keyBytes === undefined ? [] : [xsalsa20poly1305Cipher({ 'team-key': keyBytes })],
      ...options,
      transport: () => {
        const [clientEnd, routerEnd] = loopbackPair(protocol, { scheduler: asapScheduler });
        const tap = tapped(routerEnd);
        router.attach(tap.transport);
        taps.push(tap);
        return of(clientEnd);
      },
    });
    clients.push(c);
    return c;
  }
  const taps: Array<ReturnType<typeof tapped>> = [];
  const allRouterFrames = (): Frame[] => taps.flatMap((t) => [...t.received, ...t.sent]);

  for (const protocol of ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor']) {
    it(`encrypts a call, its result and a publication end to end over ${protocol}; the router sees ciphertext only`, async () => {
      const callee = client(protocol, key);
      const caller = client(protocol, key);
      const subscriber = client(protocol, key);
      await firstKeeping(callee.register('com.example.vault', (args, kwargs) => `${String(args[0])} / ${String(kwargs['note'])} (opened)`));
      const result = await lastValueFrom(caller.call('com.example.vault', [SECRET], { note: 'for your eyes only' }, E2EE));
      expect(result.args).toEqual([`${SECRET} / for your eyes only (opened)`]);
      expect(result.details).toEqual(jasmine.objectContaining(E2EE));

      const events = collect(subscriber.subscribe('com.example.whispers'));
      await settled(subscriber);
      await lastValueFrom(caller.publish('com.example.whispers', [SECRET], { also: 'hidden words' }, { ...E2EE, acknowledge: true }));
      const event = await events.next();
      events.stop();
      expect(event.args).toEqual([SECRET]);
      expect(event.kwargs).toEqual({ also: 'hidden words' });

      const frames = allRouterFrames();
      expect(frames.length).toBeGreaterThan(10);
      for (const secret of [SECRET, 'for your eyes only', 'opened', 'hidden words']) {
        expect(frames.filter((f) => frameContains(f, secret)).length).withContext(secret).toBe(0);
      }
      // What the router relayed is the ciphertext: one binary Arguments item, under the ppt_ attributes.
      const serializer = serializerFor(protocol)!;
      const calls = taps.flatMap((t) => t.received).map((f) => serializer.decode(f)).filter((m) => m.code === 48 && m.fields.Procedure === 'com.example.vault');
      expect(calls.length).toBe(1);
      expect(calls[0]!.fields).toEqual(jasmine.objectContaining({ Options: jasmine.objectContaining(E2EE) }));
      expect(calls[0]!.args.length).toBe(1);
      expect(calls[0]!.args[0]).toBeInstanceOf(Uint8Array);
    });
  }

  it('a callee with the wrong key never runs its handler; the caller gets invalid_payload', async () => {
    let ran = false;
    const calleeSaw: string[] = [];
    const callee = client('wamp.2.msgpack', generatePayloadKey());
    const caller = client('wamp.2.msgpack', key);
    await firstKeeping(callee.register('com.example.vault', () => ((ran = true), 'opened'), { onPayloadError: (e, details) => calleeSaw.push(`${e.uri} ${String(details['ppt_keyid'])}`) }));
    const error = await lastValueFrom(caller.call('com.example.vault', [SECRET], {}, E2EE)).then(
      () => undefined,
      (e: unknown) => e as WampError,
    );
    expect(error).toBeInstanceOf(WampError);
    expect(error!.uri).toBe('wamp.error.invalid_payload');
    expect(error!.message).toMatch(/cannot be decrypted with xsalsa20poly1305 and key 'team-key': authentication failed: wrong key or tampered ciphertext/);
    expect(ran).toBeFalse();
    expect(calleeSaw).toEqual(['wamp.error.invalid_payload team-key']);
  });

  it('a callee without the key id in its ring says so', async () => {
    const callee = client('wamp.2.cbor', undefined, { payloadCiphers: [xsalsa20poly1305Cipher({ 'other-key': key })] });
    const caller = client('wamp.2.cbor', key);
    await firstKeeping(callee.register('com.example.vault', () => 'opened'));
    const error = await lastValueFrom(caller.call('com.example.vault', [SECRET], {}, E2EE)).catch((e: unknown) => e as WampError);
    expect((error as WampError).uri).toBe('wamp.error.invalid_payload');
    expect((error as WampError).message).toMatch(/holds no key 'team-key'/);
  });

  it('a subscriber with the wrong key gets a PayloadError on its subscription', async () => {
    const subscriber = client('wamp.2.json', generatePayloadKey());
    const publisher = client('wamp.2.json', key);
    const outcome = new Promise<unknown>((resolve) => subscriber.subscribe('com.example.whispers').subscribe({ next: resolve, error: resolve }));
    await settled(subscriber);
    await lastValueFrom(publisher.publish('com.example.whispers', [SECRET], {}, { ...E2EE, acknowledge: true }));
    const error = await outcome;
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).uri).toBe('wamp.error.invalid_payload');
    expect((error as PayloadError).message).toMatch(/wrong key or tampered ciphertext/);
  });

  describe('with a tampered ciphertext', () => {
    const cipher = xsalsa20poly1305Cipher({ 'team-key': key });
    const tamperedBox = (): Uint8Array => {
      const box = cipher.encrypt(cborEncode({ args: [SECRET] }), 'team-key');
      box[box.length - 1]! ^= 0x80;
      return box;
    };

    it('a subscriber errors with PayloadError', async () => {
      const subscriber = client('wamp.2.msgpack', key);
      const outcome = new Promise<unknown>((resolve) => subscriber.subscribe('com.example.whispers').subscribe({ next: resolve, error: resolve }));
      await settled(subscriber);
      const peer = new RawPeer(router, 'wamp.2.msgpack');
      await peer.join('realm1', PPT_ROLES);
      peer.send(16, 1, { ...E2EE, acknowledge: true }, 'com.example.whispers', [tamperedBox()]);
      await peer.next(17);
      const error = await outcome;
      expect(error).toBeInstanceOf(PayloadError);
      expect((error as Error).message).toMatch(/authentication failed: wrong key or tampered ciphertext/);
      peer.cut();
    });

    it('a callee refuses the invocation', async () => {
      let ran = false;
      const callee = client('wamp.2.cbor', key);
      await firstKeeping(callee.register('com.example.vault', () => ((ran = true), 'opened')));
      const peer = new RawPeer(router, 'wamp.2.cbor');
      await peer.join('realm1', PPT_ROLES);
      peer.send(48, 1, E2EE, 'com.example.vault', [tamperedBox()]);
      const answer = await peer.next(8);
      expect(answer[4]).toBe('wamp.error.invalid_payload');
      expect(ran).toBeFalse();
      peer.cut();
    });

    it('a caller errors with PayloadError on the RESULT', async () => {
      const peer = new RawPeer(router, 'wamp.2.json');
      await peer.join('realm1', PPT_ROLES);
      peer.send(64, 1, {}, 'com.example.forged');
      await peer.next(65);
      const caller = client('wamp.2.json', key);
      const outcome = lastValueFrom(caller.call('com.example.forged', [SECRET], {}, E2EE)).catch((e: unknown) => e);
      const invocation = await peer.next(68);
      peer.send(70, invocation[1], E2EE, [tamperedBox()]);
      const error = await outcome;
      expect(error).toBeInstanceOf(PayloadError);
      expect((error as Error).message).toMatch(/wrong key or tampered ciphertext/);
      peer.cut();
    });
  });
});
