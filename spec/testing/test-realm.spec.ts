import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { WampClient } from 'rxwamp';
import { TestRealm } from 'rxwamp/testing';

describe('TestRealm (real time: Jasmine, Jest, Vitest)', () => {
  let realm: TestRealm;
  afterEach(() => realm.close());

  it('gives connected clients with no sockets: a call is answered without waiting on a registration', async () => {
    realm = new TestRealm();
    const callee = realm.client();
    callee.register('com.example.add', ([a, b]) => Number(a) + Number(b)).subscribe();
    // Loopback delivery is synchronous: the registration is in place as soon as register() is subscribed.
    expect((await lastValueFrom(realm.client().call('com.example.add', [2, 3]))).args).toEqual([5]);
    expect(realm.router.sessionCount).toBe(2);
  });

  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    it(`speaks ${serializer} when asked, encoding every message for real`, async () => {
      realm = new TestRealm({ serializer });
      const session = await firstValueFrom(realm.client().session$);
      expect(session.serializer.subprotocol).toBe(`wamp.2.${serializer}`);
      const bytes = await lastValueFrom(realm.client({ serializer: 'json' }).call('wamp.session.get', [session.id]));
      expect((bytes.args[0] as { session: number }).session).toBe(session.id);
    });
  }

  it('serves the realm it is configured with: name and roles', async () => {
    realm = new TestRealm({
      name: 'shop',
      auth: { ticket: { principals: { joe: { ticket: 'secret', authrole: 'frontend' } } } },
      roles: [{ name: 'frontend', permissions: [{ uri: 'com.shop.', match: 'prefix', allow: { call: true, subscribe: true } }] }],
    });
    const joe = realm.client({ authid: 'joe', ticket: 'secret' });
    const session = await firstValueFrom(joe.session$);
    expect(session.realm).toBe('shop');
    expect(session.details['authrole']).toBe('frontend');
    await expectAsync(lastValueFrom(joe.publish('com.shop.news', [], {}, { acknowledge: true }))).toBeRejectedWith(jasmine.objectContaining({ uri: 'wamp.error.not_authorized' }));
  });

  it('clientOptions() for code that makes its own WampClient; dropConnections() as a lost network, and clients with a reconnect policy come back', async () => {
    realm = new TestRealm();
    const client = new WampClient(realm.clientOptions({ reconnect: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } }));
    const sessions = lastValueFrom(client.session$.pipe(take(2), toArray()));
    const registered = lastValueFrom(client.register('com.example.ping', () => 'pong').pipe(take(2), toArray()));
    await firstValueFrom(client.session$);
    expect(realm.dropConnections()).toBe(1);
    const [first, second] = await sessions;
    expect(second!.id).not.toBe(first!.id);
    expect((await registered).length).withContext('registered again on the new session').toBe(2);
    expect((await lastValueFrom(realm.client().call('com.example.ping'))).args).toEqual(['pong']);
    await client.close();
  });

  it('close() ends every session: those of client() and of clientOptions()', async () => {
    realm = new TestRealm();
    const own = new WampClient(realm.clientOptions());
    const ownSession = await firstValueFrom(own.session$);
    const kitSession = await firstValueFrom(realm.client().session$);
    await realm.close();
    expect(ownSession.state).toBe('closed');
    expect(kitSession.state).toBe('closed');
    expect(realm.router.sessionCount).toBe(0);
  });
});
