import { Router } from '../../src/router/router.js';
import { RawPeer } from '../support/raw-peer.js';

describe('Router security', () => {
  let router: Router;

  afterEach(async () => {
    await router.close();
  });

  it('draws session ids from the CSPRNG: not sequential, spread over the whole id space', async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    const spy = spyOn(globalThis.crypto, 'getRandomValues').and.callThrough();
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) {
      const peer = new RawPeer(router);
      ids.push(RawPeer.sessionOf(await peer.join()));
      peer.cut();
    }
    expect(spy).toHaveBeenCalled();
    expect(new Set(ids).size).toBe(ids.length);
    const steps = ids.slice(1).map((id, i) => Math.abs(id - ids[i]!));
    // Sequential or clustered ids would give small steps; random 53-bit ids almost never do.
    expect(steps.filter((step) => step < 2 ** 32).length).toBeLessThan(2);
    expect(Math.max(...ids)).toBeGreaterThan(2 ** 50);
    expect(ids.every((id) => Number.isSafeInteger(id) && id >= 1 && id <= 2 ** 53)).toBeTrue();
  });

  it('does not let an unauthenticated peer join a realm that requires authentication', async () => {
    router = new Router({ realms: [{ name: 'secure', auth: { ticket: { principals: { joe: { ticket: 'secret-ticket', authrole: 'user' } } } } }] });
    const anonymous = new RawPeer(router);
    anonymous.send(1, 'secure', { roles: { subscriber: {} } });
    expect((await anonymous.next(3))[2]).toBe('wamp.error.no_matching_auth_method');
    await anonymous.whenClosed();

    const wrong = new RawPeer(router);
    wrong.send(1, 'secure', { roles: { subscriber: {} }, authmethods: ['ticket'], authid: 'joe' });
    await wrong.next(4);
    wrong.send(5, 'not-the-ticket', {});
    expect((await wrong.next(3))[2]).toBe('wamp.error.authentication_failed');

    const unknown = new RawPeer(router);
    unknown.send(1, 'secure', { roles: { subscriber: {} }, authmethods: ['ticket'], authid: 'mallory' });
    // An authid the realm does not know is refused at once, without a CHALLENGE to answer.
    const answer = await unknown.nextOf([3, 4]);
    expect(answer[0]).withContext(JSON.stringify(answer)).toBe(3);
    expect(answer[2]).toBe('wamp.error.not_authorized');
    expect(router.realm('secure')!.sessionCount).toBe(0);

    const joe = new RawPeer(router);
    joe.send(1, 'secure', { roles: { subscriber: {} }, authmethods: ['ticket'], authid: 'joe' });
    await joe.next(4);
    joe.send(5, 'secret-ticket', {});
    expect((await joe.nextOf([2, 3]))[0]).toBe(2);
  });

  it('does not deliver events, invocations or results to a session that guesses their ids', async () => {
    router = new Router({ realms: [{ name: 'realm1' }] });
    const alice = new RawPeer(router);
    const bob = new RawPeer(router);
    const eve = new RawPeer(router);
    await Promise.all([alice.join(), bob.join(), eve.join()]);

    alice.send(32, 1, {}, 'com.private');
    const subscription = (await alice.next(33))[2] as number;
    bob.send(64, 1, {}, 'com.private.rpc');
    const registration = (await bob.next(65))[2] as number;

    // Eve tries the ids she would need: unsubscribing or unregistering them is refused.
    eve.send(34, 1, subscription);
    expect((await eve.next(8))[4]).toBe('wamp.error.no_such_subscription');
    eve.send(66, 2, registration);
    expect((await eve.next(8))[4]).toBe('wamp.error.no_such_registration');

    alice.send(48, 7, {}, 'com.private.rpc', ['alice']);
    const invocation = await bob.next(68);
    bob.send(16, 2, { acknowledge: true }, 'com.private', ['secret']);
    await bob.next(17);
    expect((await alice.next(36))[4]).toEqual(['secret']);
    // Eve answers Bob's invocation id (it is only valid between the router and Bob).
    eve.send(70, invocation[1], {}, ['forged']);
    expect((await eve.next(3))[2]).toBe('wamp.error.protocol_violation');
    bob.send(70, invocation[1], {}, ['genuine']);
    expect((await alice.next(50)).slice(0, 4)).toEqual([50, 7, {}, ['genuine']]);

    // Eve never saw any of it.
    expect(eve.received.filter((m) => [36, 50, 68].includes(m[0] as number))).toEqual([]);
    expect(alice.received.filter((m) => m[0] === 50)).toEqual([]);
  });
});
