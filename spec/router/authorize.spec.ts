import { from as rxFrom, lastValueFrom, map } from 'rxjs';
import type { WampEvent } from '../../src/index.js';
import { WampError } from '../../src/protocol/errors.js';
import type { RealmConfig } from '../../src/router/config.js';
import { authorize, authorizerFromRoles } from '../../src/router/authorize.js';
import type { Authorizer } from '../../src/router/authorize.js';
import type { Routed } from '../../src/router/routed.js';
import { Router } from '../../src/router/router.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { from, StageSession, summarize } from '../support/stage-harness.js';
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

describe('authorize stage', () => {
  const roles = [
    {
      name: 'reader',
      permissions: [
        { uri: 'com.news.', match: 'prefix' as const, allow: { subscribe: true, call: true, publish: true }, disclose: { publisher: false } },
        { uri: 'com.calc', match: 'prefix' as const, allow: { call: true } },
      ],
    },
  ];
  let reader: StageSession;
  let logger: RecordingLogger;
  beforeEach(() => {
    reader = new StageSession('r', 1, 'rita', 'reader');
    logger = new RecordingLogger();
  });
  /** What the stage passes on or answers for each Routed. */
  function run(routed: Routed[], authorizer?: Authorizer): string[] {
    const out: string[] = [];
    rxFrom(routed).pipe(authorize({ logger, roles, ...(authorizer === undefined ? {} : { authorizer }) }), map(summarize)).subscribe((s) => out.push(s));
    return out;
  }

  it('allows only the actions a permission lists, and explains a refusal in the log and the ERROR (none for an unacknowledged PUBLISH)', () => {
    const out = run([
      from(reader, 'CALL', { Request: 1, Options: {}, Procedure: 'com.calc.add' }),
      from(reader, 'REGISTER', { Request: 2, Options: {}, Procedure: 'com.calc.add' }),
      from(reader, 'SUBSCRIBE', { Request: 3, Options: {}, Topic: 'com.calc.log' }),
      // A publisher that did not ask for an acknowledgement expects no answer: the refusal is only logged.
      from(reader, 'PUBLISH', { Request: 4, Options: {}, Topic: 'com.calc.log' }),
      from(reader, 'PUBLISH', { Request: 5, Options: { acknowledge: true }, Topic: 'com.calc.log' }),
    ]);
    expect(out).toEqual([
      'r -> CALL',
      'r <- ERROR #2 wamp.error.not_authorized ["authrole \'reader\' may not register \'com.calc.add\'"]',
      'r <- ERROR #3 wamp.error.not_authorized ["authrole \'reader\' may not subscribe \'com.calc.log\'"]',
      'r <- ERROR #5 wamp.error.not_authorized ["authrole \'reader\' may not publish \'com.calc.log\'"]',
    ]);
    expect(logger.named('not_authorized').map((l) => l.fields)).toEqual([
      { session: 1, authrole: 'reader', action: 'register', uri: 'com.calc.add' },
      { session: 1, authrole: 'reader', action: 'subscribe', uri: 'com.calc.log' },
      { session: 1, authrole: 'reader', action: 'publish', uri: 'com.calc.log' },
      { session: 1, authrole: 'reader', action: 'publish', uri: 'com.calc.log' },
    ]);
  });

  it('lets a session disclose itself unless its permission says no for that action', () => {
    const out = run([
      from(reader, 'CALL', { Request: 1, Options: { disclose_me: true }, Procedure: 'com.calc.add' }),
      from(reader, 'CALL', { Request: 2, Options: { disclose_me: true }, Procedure: 'com.news.latest' }),
      from(reader, 'SUBSCRIBE', { Request: 3, Options: { disclose_me: true }, Topic: 'com.news.today' }),
      from(reader, 'PUBLISH', { Request: 4, Options: { disclose_me: true, acknowledge: true }, Topic: 'com.news.today' }),
      from(reader, 'PUBLISH', { Request: 5, Options: { disclose_me: true }, Topic: 'com.news.today' }),
      from(reader, 'PUBLISH', { Request: 6, Options: {}, Topic: 'com.news.today' }),
    ]);
    expect(out).toEqual([
      'r -> CALL',
      'r -> CALL',
      'r -> SUBSCRIBE',
      'r <- ERROR #4 wamp.error.option_disallowed.disclose_me ["authrole \'reader\' may not disclose itself on \'com.news.today\'"]',
      'r -> PUBLISH',
    ]);
  });

  it('passes everything on when the realm has neither roles nor an authorizer', () => {
    const out: string[] = [];
    rxFrom([from(reader, 'REGISTER', { Request: 1, Options: {}, Procedure: 'com.x' })])
      .pipe(authorize({ logger }), map(summarize))
      .subscribe((s) => out.push(s));
    expect(out).toEqual(['r -> REGISTER']);
  });

  it('ends with ABORT the session whose message made an authorizer fail, logging the stage', () => {
    run([from(reader, 'CALL', { Request: 1, Options: {}, Procedure: 'com.calc.add' })], () => {
      throw new Error('boom');
    });
    expect(logger.named('stage_failure').map((l) => l.fields)).toEqual([{ stage: 'authorize', kind: 'in', error: 'boom' }]);
    expect(reader.direct).toEqual(['ABORT wamp.error.runtime_error']);
  });

  it('reads a role\'s permissions with authorizerFromRoles: no entry, no permission', () => {
    const decide = authorizerFromRoles(roles);
    expect(decide(reader, 'call', 'com.calc.mul', {})).toEqual({ allow: true, disclose: true });
    expect(decide(reader, 'publish', 'com.news.x', {})).toEqual({ allow: true, disclose: false });
    expect(decide(reader, 'subscribe', 'com.news.x', {})).toEqual({ allow: true, disclose: true });
    expect(decide(reader, 'register', 'com.news.x', {})).toEqual({ allow: false });
    expect(decide(new StageSession('o', 2, 'otto', 'other'), 'call', 'com.calc.mul', {})).toEqual({ allow: false });
  });
});
