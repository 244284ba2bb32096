import { lastValueFrom } from 'rxjs';
import type { WampEvent } from '../../src/index.js';
import { WampError } from '../../src/protocol/errors.js';
import type { RealmConfig } from '../../src/router/config.js';
import { Router } from '../../src/router/router.js';
import { callValue, collect, connectClient, firstKeeping, settled } from '../support/router-clients.js';
import type { TestClient } from '../support/router-clients.js';

const REALM: RealmConfig = {
  name: 'realm1',
  auth: {
    ticket: {
      principals: {
        joe: { ticket: 'joe-ticket', authrole: 'frontend' },
        ops: { ticket: 'ops-ticket', authrole: 'backend' },
        nobody: { ticket: 'nobody-ticket', authrole: 'unlisted' },
      },
    },
  },
  roles: [
    {
      name: 'frontend',
      permissions: [
        {
          uri: 'com.app.public.',
          match: 'prefix',
          allow: { call: true, register: true, publish: true, subscribe: true },
          disclose: { caller: false, publisher: false },
        },
      ],
    },
    { name: 'backend', permissions: [{ uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } }] },
  ],
};

async function errorOf(promise: Promise<unknown>): Promise<WampError> {
  return promise.then(
    () => {
      throw new Error('expected a WampError');
    },
    (e: unknown) => e as WampError,
  );
}

describe('authorization per role and URI', () => {
  let router: Router;
  let clients: TestClient[];
  beforeEach(() => {
    router = new Router({ realms: [REALM] });
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.client.close()));
    await router.close();
  });
  const join = async (authid: 'joe' | 'ops' | 'nobody'): Promise<TestClient> => {
    const c = connectClient(router, { authid, ticket: `${authid}-ticket` });
    clients.push(c);
    await firstKeeping(c.client.session$);
    return c;
  };

  it('lets a frontend session do everything under com.app.public. and nothing elsewhere, without effect', async () => {
    const joe = (await join('joe')).client;
    const ops = (await join('ops')).client;
    const realm = router.realm('realm1')!;
    const opsEvents = collect<WampEvent>(ops.subscribe('com.app.private.topic'));
    await firstKeeping(ops.register('com.app.private.proc', () => 'secret'));

    // Forbidden: every action on com.app.private.*
    expect((await errorOf(lastValueFrom(joe.call('com.app.private.proc')))).uri).toBe('wamp.error.not_authorized');
    expect((await errorOf(firstKeeping(joe.register('com.app.private.other', () => 1))))).toEqual(jasmine.objectContaining({ uri: 'wamp.error.not_authorized' }));
    expect((await errorOf(firstKeeping(joe.subscribe('com.app.private.topic'))))).toEqual(jasmine.objectContaining({ uri: 'wamp.error.not_authorized' }));
    expect((await errorOf(lastValueFrom(joe.publish('com.app.private.topic', [1], {}, { acknowledge: true }))))).toEqual(
      jasmine.objectContaining({ uri: 'wamp.error.not_authorized' }),
    );
    // An unacknowledged forbidden publication is dropped silently.
    await lastValueFrom(joe.publish('com.app.private.topic', [2]), { defaultValue: undefined });
    expect((await errorOf(lastValueFrom(joe.call('wamp.session.count')))).uri).toBe('wamp.error.not_authorized');
    await settled(ops);
    await settled(ops);
    // Nothing forbidden took effect.
    expect(opsEvents.values).toEqual([]);
    expect(realm.registrations.lookup('com.app.private.other', 'exact')).toBeUndefined();
    expect(realm.subscriptions.size).toBe(1);

    // Allowed: every action on com.app.public.*
    const events = collect<WampEvent>(ops.subscribe('com.app.public.news'));
    await settled(ops);
    await firstKeeping(joe.register('com.app.public.echo', (args) => args[0]));
    expect(await callValue(ops, 'com.app.public.echo', ['hi'])).toBe('hi');
    await firstKeeping(ops.register('com.app.public.time', () => 42));
    expect(await callValue(joe, 'com.app.public.time')).toBe(42);
    const mine = collect<WampEvent>(joe.subscribe('com.app.public.news'));
    await settled(ops);
    await lastValueFrom(joe.publish('com.app.public.news', ['hello'], {}, { acknowledge: true, exclude_me: false }));
    expect((await events.next()).args).toEqual(['hello']);
    expect((await mine.next()).args).toEqual(['hello']);
  });

  it('refuses disclose_me where the role may not disclose itself', async () => {
    const joe = (await join('joe')).client;
    const ops = (await join('ops')).client;
    await firstKeeping(ops.register('com.app.public.who', (_a, _k, details) => (details as { caller?: number }).caller ?? null));
    const refused = await errorOf(lastValueFrom(joe.call('com.app.public.who', [], {}, { disclose_me: true })));
    expect(refused.uri).toBe('wamp.error.option_disallowed.disclose_me');
    const published = await errorOf(lastValueFrom(joe.publish('com.app.public.news', [], {}, { acknowledge: true, disclose_me: true })));
    expect(published.uri).toBe('wamp.error.option_disallowed.disclose_me');
    expect(await callValue(joe, 'com.app.public.who')).toBeNull();
  });

  it('lets a role without any permission entry do nothing', async () => {
    const nobody = (await join('nobody')).client;
    expect((await errorOf(lastValueFrom(nobody.call('com.app.public.time')))).uri).toBe('wamp.error.not_authorized');
  });

  it('asks a dynamic authorizer after the static permissions', async () => {
    const asked: string[] = [];
    await router.close();
    router = new Router({
      realms: [{ ...REALM, authorizer: (session, action, uri) => (asked.push(`${session.authid} ${action} ${uri}`), !uri.endsWith('.forbidden')) }],
    });
    const ops = (await join('ops')).client;
    expect((await errorOf(lastValueFrom(ops.call('com.app.x.forbidden')))).uri).toBe('wamp.error.not_authorized');
    expect((await errorOf(lastValueFrom(ops.call('com.app.x.missing')))).uri).toBe('wamp.error.no_such_procedure');
    expect(asked).toEqual(['ops call com.app.x.forbidden', 'ops call com.app.x.missing']);
  });
});
