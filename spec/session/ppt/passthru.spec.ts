import { firstValueFrom, lastValueFrom, of } from 'rxjs';
import { WampClient } from '../../../src/client/wamp-client.js';
import type { WampClientOptions } from '../../../src/client/client-options.js';
import { WampError } from '../../../src/protocol/errors.js';
import type { Dict } from '../../../src/protocol/dict.js';
import { Router } from '../../../src/router/index.js';
import { WampResult } from '../../../src/session/role-types.js';
import type { PptSerializerName } from '../../../src/session/ppt/ppt-mode.js';
import { PayloadError } from '../../../src/session/ppt/payload-error.js';
import { collect, connectClient, firstKeeping, settled } from '../../support/router-clients.js';
import { FULL_ROUTER_ROLES, scriptedConnection } from '../../support/scripted-router.js';
import { ALL_CLIENT_ROLES, RawPeer } from '../../support/raw-peer.js';

const PPT_SERIALIZERS: PptSerializerName[] = ['native', 'json', 'msgpack', 'cbor'];
const TRANSPORTS = ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor'];
const BYTES = new Uint8Array([0, 1, 2, 250, 255]);

describe('Payload Passthru Mode between two rxwamp clients through the router', () => {
  let router: Router;
  let clients: WampClient[];

  beforeEach(() => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    clients = [];
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await router.close();
  });

  function client(protocol: string, options: Partial<WampClientOptions> = {}): WampClient {
    const { client } = connectClient(router, options, protocol);
    clients.push(client);
    return client;
  }

  for (const transport of TRANSPORTS) {
    for (const ppt_serializer of PPT_SERIALIZERS) {
      it(`calls and publishes with ppt_serializer ${ppt_serializer} over ${transport}`, async () => {
        const callee = client(transport);
        const caller = client(transport);
        const seen: Array<{ args: unknown[]; kwargs: Dict; details: Dict }> = [];
        await firstKeeping(
          callee.register('com.example.echo', (args, kwargs, details) => {
            seen.push({ args, kwargs, details });
            return new WampResult([...args, 'back'], { ...kwargs, answered: true });
          }),
        );
        const result = await lastValueFrom(caller.call('com.example.echo', [1, 'two', { three: [3] }, BYTES], { k: 'v' }, { ppt_scheme: 'x_test', ppt_serializer }));
        expect(seen.length).toBe(1);
        expect(seen[0]!.args).toEqual([1, 'two', { three: [3] }, BYTES]);
        expect(seen[0]!.kwargs).toEqual({ k: 'v' });
        expect(seen[0]!.details).toEqual(jasmine.objectContaining({ ppt_scheme: 'x_test', ppt_serializer }));
        expect(result.args).toEqual([1, 'two', { three: [3] }, BYTES, 'back']);
        expect(result.kwargs).toEqual({ k: 'v', answered: true });
        // The result goes back in the invocation's mode, and the caller learns it.
        expect(result.details).toEqual(jasmine.objectContaining({ ppt_scheme: 'x_test', ppt_serializer }));

        const subscriber = client(transport);
        const events = collect(subscriber.subscribe('com.example.feed'));
        await settled(subscriber);
        await lastValueFrom(caller.publish('com.example.feed', ['a', BYTES], { n: 1 }, { ppt_scheme: 'x_test', ppt_serializer, acknowledge: true }));
        const event = await events.next();
        events.stop();
        expect(event.args).toEqual(['a', BYTES]);
        expect(event.kwargs).toEqual({ n: 1 });
        expect(event.details).toEqual(jasmine.objectContaining({ ppt_scheme: 'x_test', ppt_serializer }));
      });
    }
  }

  it('carries the payload as the single item of Arguments: bytes for msgpack and cbor, JSON text for json, the dictionary itself for native', async () => {
    const peer = new RawPeer(router, 'wamp.2.msgpack');
    await peer.join('realm1', { roles: { subscriber: { features: { payload_passthru_mode: true } } } });
    peer.send(32, 1, {}, 'com.example.raw');
    const subscribed = await peer.next(33);
    const publisher = client('wamp.2.json');
    for (const ppt_serializer of PPT_SERIALIZERS) {
      await lastValueFrom(publisher.publish('com.example.raw', ['x'], { y: 1 }, { ppt_scheme: 'x_test', ppt_serializer, acknowledge: true }));
      const event = await peer.next(36);
      expect(event[1]).toBe(subscribed[2]);
      expect(event[3]).toEqual({ ppt_scheme: 'x_test', ppt_serializer });
      expect(event.length).withContext('no ArgumentsKw').toBe(5);
      const items = event[4] as unknown[];
      expect(items.length).toBe(1);
      if (ppt_serializer === 'native') expect(items[0]).toEqual({ args: ['x'], kwargs: { y: 1 } });
      else if (ppt_serializer === 'json') expect(items[0]).toBe('{"args":["x"],"kwargs":{"y":1}}');
      else expect(items[0]).toBeInstanceOf(Uint8Array);
    }
    peer.cut();
  });

  it('streams progressive results and progressive call invocations in passthru mode', async () => {
    const callee = client('wamp.2.cbor');
    const caller = client('wamp.2.json');
    await firstKeeping(
      callee.register('com.example.sum', (args, _kwargs, details) => {
        const chunks: number[] = [args[0] as number];
        return new Promise((resolve) => details.chunks$!.subscribe({ next: (c) => chunks.push(c.args[0] as number), complete: () => resolve(chunks.reduce((a, b) => a + b, 0)) }));
      }),
    );
    const sum = await lastValueFrom(caller.call('com.example.sum', of([1], [2], [3]), undefined, { ppt_scheme: 'x_test', ppt_serializer: 'msgpack' }));
    expect(sum.args).toEqual([6]);
    expect(sum.details['ppt_serializer']).toBe('msgpack');
  });

  it('sends a handler error back in the invocation mode, and the caller unpacks it', async () => {
    const callee = client('wamp.2.json');
    const caller = client('wamp.2.json');
    await firstKeeping(
      callee.register('com.example.fails', () => {
        throw new WampError('com.example.refused', ['secret reason'], { code: 7 });
      }),
    );
    const error = await lastValueFrom(caller.call('com.example.fails', [], {}, { ppt_scheme: 'x_test', ppt_serializer: 'cbor' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WampError);
    expect((error as WampError).uri).toBe('com.example.refused');
    expect((error as WampError).args).toEqual(['secret reason']);
    expect((error as WampError).kwargs).toEqual({ code: 7 });
  });

  it('answers in the mode register options name, even for a plain call', async () => {
    const callee = client('wamp.2.json');
    const caller = client('wamp.2.json');
    await firstKeeping(callee.register('com.example.packed', () => 42, { ppt_scheme: 'x_test', ppt_serializer: 'json' }));
    const result = await lastValueFrom(caller.call('com.example.packed'));
    expect(result.args).toEqual([42]);
    expect(result.details).toEqual(jasmine.objectContaining({ ppt_scheme: 'x_test', ppt_serializer: 'json' }));
  });

  it('hands a payload in a serialization rxwamp does not know over as it is', async () => {
    const callee = client('wamp.2.msgpack');
    let received: unknown[] = [];
    await firstKeeping(callee.register('com.example.mqtt', (args) => ((received = args), 'ok')));
    const peer = new RawPeer(router, 'wamp.2.msgpack');
    await peer.join('realm1', { roles: { caller: { features: { payload_passthru_mode: true } } } });
    peer.send(48, 1, { ppt_scheme: 'mqtt', ppt_serializer: 'mqtt' }, 'com.example.mqtt', [BYTES]);
    const answer = await peer.nextOf([50, 8]);
    expect(received).toEqual([BYTES]);
    expect(answer[0]).toBe(50);
    peer.cut();
  });

  it('fails an invocation whose payload does not decode with invalid_payload and never runs the handler', async () => {
    const callee = client('wamp.2.msgpack');
    let ran = false;
    await firstKeeping(callee.register('com.example.strict', () => ((ran = true), 'ok')));
    const peer = new RawPeer(router, 'wamp.2.msgpack');
    await peer.join('realm1', { roles: { caller: { features: { payload_passthru_mode: true } } } });
    peer.send(48, 1, { ppt_scheme: 'x_test', ppt_serializer: 'cbor' }, 'com.example.strict', [new Uint8Array([0xff, 0xff, 0xff])]);
    const answer = await peer.next(8);
    expect(answer[4]).toBe('wamp.error.invalid_payload');
    expect(String((answer[5] as unknown[])[0])).toMatch(/not valid cbor/);
    expect(ran).toBeFalse();
    peer.cut();
  });

  it('a callee that does not announce payload_passthru_mode gets no passthru calls: the caller learns feature_not_supported', async () => {
    const peer = new RawPeer(router, 'wamp.2.json');
    await peer.join();
    peer.send(64, 1, {}, 'com.example.old');
    await peer.next(65);
    const caller = client('wamp.2.json');
    const error = await lastValueFrom(caller.call('com.example.old', [1], {}, { ppt_scheme: 'x_test' })).then(
      () => undefined,
      (e: unknown) => e as WampError,
    );
    expect(error?.uri).toBe('wamp.error.feature_not_supported');
    expect(peer.received.filter((m) => m[0] === 68)).toEqual([]);
    peer.cut();
  });
});

describe('Payload Passthru Mode against a router that does not announce it', () => {
  const withoutPpt = (): Dict => {
    const roles = structuredClone(FULL_ROUTER_ROLES) as Record<string, { features: Dict }>;
    delete roles['dealer']!.features['payload_passthru_mode'];
    delete roles['broker']!.features['payload_passthru_mode'];
    return roles;
  };

  it('refuses ppt options on call, publish and register before anything is sent', async () => {
    const { transport, router } = scriptedConnection();
    router.roles = withoutPpt();
    const client = new WampClient({ realm: 'realm1', reconnect: false, transport: () => of(transport) });
    await firstValueFrom(client.session$);
    const outcomes = await Promise.all([
      lastValueFrom(client.call('a.b', [1], {}, { ppt_scheme: 'x_test' })).catch((e: unknown) => e),
      lastValueFrom(client.publish('a.b', [1], {}, { ppt_scheme: 'x_test' }), { defaultValue: undefined }).catch((e: unknown) => e),
      lastValueFrom(client.register('a.b', () => 1, { ppt_scheme: 'x_test' })).catch((e: unknown) => e),
    ]);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(WampError);
      expect((outcome as WampError).uri).toBe('wamp.error.feature_not_supported');
      expect((outcome as WampError).message).toMatch(/payload_passthru_mode/);
    }
    expect(router.received.filter((m) => [48, 16, 64].includes(m[0] as number))).toEqual([]);
    await client.close();
  });

  it('announces payload_passthru_mode for all four roles in HELLO', async () => {
    const { transport, router } = scriptedConnection();
    const client = new WampClient({ realm: 'realm1', reconnect: false, transport: () => of(transport) });
    await firstValueFrom(client.session$);
    const roles = (router.received[0]![2] as { roles: Record<string, { features: Dict }> }).roles;
    for (const role of ['caller', 'callee', 'publisher', 'subscriber']) expect(roles[role]!.features['payload_passthru_mode']).withContext(role).toBeTrue();
    await client.close();
  });

  it('rejects a cipher with the native serializer, and a cipher that is not configured, with a PayloadError', async () => {
    const { transport } = scriptedConnection();
    const client = new WampClient({ realm: 'realm1', reconnect: false, transport: () => of(transport) });
    await firstValueFrom(client.session$);
    const native = await lastValueFrom(client.call('a.b', [1], {}, { ppt_scheme: 'wamp', ppt_serializer: 'native', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' })).catch((e: unknown) => e);
    expect(native).toBeInstanceOf(PayloadError);
    expect((native as Error).message).toMatch(/needs a byte serializer/);
    const missing = await lastValueFrom(client.call('a.b', [1], {}, { ppt_scheme: 'wamp', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PayloadError);
    expect((missing as Error).message).toMatch(/no cipher xsalsa20poly1305 is configured/);
    await client.close();
  });
});
