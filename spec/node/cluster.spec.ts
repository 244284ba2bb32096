import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, Observable, of, Subject, toArray } from 'rxjs';
import { WampClient } from '../../src/client/wamp-client.js';
import { WampError } from '../../src/protocol/errors.js';
import type { WampEvent } from '../../src/session/role-types.js';
import { WampResult } from '../../src/session/role-types.js';
import { openAutobahn } from '../support/autobahn-peer.js';
import { ensureBuilt } from '../support/built-package.js';
import { startClusterNode } from '../support/cluster-nodes.js';
import type { ClusterNode } from '../support/cluster-nodes.js';
import { startNatsServer } from '../support/nats-server.js';
import type { NatsServer } from '../support/nats-server.js';
import { collect, firstKeeping, settled } from '../support/router-clients.js';

const TIMEOUT = 60_000;

describe('a cluster of three rxwamp-router processes on one nats-server', () => {
  let nats: NatsServer;
  let a: ClusterNode;
  let b: ClusterNode;
  let c: ClusterNode;
  let configDir: string | undefined;
  const clients: WampClient[] = [];
  const closers: Array<() => Promise<void>> = [];

  const client = (node: ClusterNode, serializer: 'json' | 'msgpack' | 'cbor' = 'json'): WampClient => {
    const created = new WampClient({ url: serializer === 'json' ? node.ws : node.rs, realm: 'realm1', serializer, reconnect: false });
    clients.push(created);
    return created;
  };
  /** A client whose session is established, with its session id. */
  const joined = async (node: ClusterNode, serializer: 'json' | 'msgpack' | 'cbor' = 'json'): Promise<{ client: WampClient; id: number }> => {
    const created = client(node, serializer);
    await settled(created);
    return { client: created, id: created.session!.id };
  };

  beforeAll(async () => {
    await ensureBuilt();
    nats = await startNatsServer();
    // Every node serves realm1 with the same config: one event history, for the history spec.
    configDir = mkdtempSync(join(tmpdir(), 'rxwamp-cluster-config-'));
    const config = join(configDir, 'router.json');
    writeFileSync(config, JSON.stringify({ realms: [{ name: 'realm1', history: [{ uri: 'com.history.', match: 'prefix', limit: 10 }] }] }));
    a = await startClusterNode(nats.url, 'spec', 'a', ['--config', config]);
    [b, c] = await Promise.all([startClusterNode(nats.url, 'spec', 'b', ['--config', config]), startClusterNode(nats.url, 'spec', 'c', ['--config', config])]);
  }, TIMEOUT);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((x) => x.close()));
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  afterAll(async () => {
    await Promise.all([a, b, c].filter((n) => n !== undefined).map((n) => n.stop()));
    await nats?.remove();
    if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
  }, TIMEOUT);

  it(
    'prints its listening lines only once it is a ready node, and serves one router across nodes',
    async () => {
      expect(a.stdout.some((l) => l.startsWith('listening ws://'))).toBeTrue();
      const x = await joined(a);
      const y = await joined(b);
      const z = await joined(c);
      const count = await lastValueFrom(x.client.call('wamp.session.count'));
      expect(count.args[0]).toBe(3);
      const list = (await lastValueFrom(z.client.call('wamp.session.list'))).args[0] as number[];
      expect([...list].sort()).toEqual([x.id, y.id, z.id].sort());
      const described = (await lastValueFrom(z.client.call('wamp.session.get', [x.id]))).args[0] as Record<string, unknown>;
      expect(described['session']).toBe(x.id);
      expect(described['authrole']).toBe('anonymous');
    },
    TIMEOUT,
  );

  it(
    'delivers events across nodes once per subscription: exact, prefix and wildcard, with acknowledge, publisher exclusion and disclosure',
    async () => {
      const onA = await joined(a);
      const onC = await joined(c);
      const publisher = await joined(b);
      const exact = collect<WampEvent>(onA.client.subscribe('com.ev.topic'));
      const prefix = collect<WampEvent>(onA.client.subscribe('com.ev', { match: 'prefix' }));
      const wildcard = collect<WampEvent>(onC.client.subscribe('com..topic', { match: 'wildcard' }));
      const own = collect<WampEvent>(publisher.client.subscribe('com.ev.topic'));
      await Promise.all([settled(onA.client), settled(onC.client), settled(publisher.client)]);
      const ack = await lastValueFrom(publisher.client.publish('com.ev.topic', [1], { k: 'v' }, { acknowledge: true, disclose_me: true }));
      expect(ack.id).toEqual(jasmine.any(Number));
      const e1 = await exact.next();
      expect(e1.args).toEqual([1]);
      expect(e1.kwargs).toEqual({ k: 'v' });
      expect(e1.publisher).toBe(publisher.id);
      expect(e1.publication).toBe(ack.id!);
      expect((await prefix.next()).topic).toBe('com.ev.topic');
      expect((await wildcard.next()).topic).toBe('com.ev.topic');
      // A prefix matches by string, also past a component boundary; the others do not match.
      await lastValueFrom(publisher.client.publish('com.evening', [2], {}, { acknowledge: true }));
      expect((await prefix.next()).topic).toBe('com.evening');
      // The publisher is excluded by default; with exclude_me false it gets the event once.
      await lastValueFrom(publisher.client.publish('com.ev.topic', [3], {}, { acknowledge: true, exclude_me: false }));
      expect((await own.next()).args).toEqual([3]);
      expect((await exact.next()).args).toEqual([3]);
      expect((await prefix.next()).args).toEqual([3]);
      expect((await wildcard.next()).args).toEqual([3]);
      // Nothing was delivered twice, and nothing else arrived.
      expect(exact.values).toEqual([]);
      expect(prefix.values).toEqual([]);
      expect(wildcard.values).toEqual([]);
      expect(own.values).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'filters receivers on other nodes by session id, authid and authrole',
    async () => {
      const first = await joined(a);
      const second = await joined(c);
      const publisher = await joined(b);
      const authid = ((await lastValueFrom(publisher.client.call('wamp.session.get', [second.id]))).args[0] as { authid: string }).authid;
      const toFirst = collect<WampEvent>(first.client.subscribe('com.filter'));
      const toSecond = collect<WampEvent>(second.client.subscribe('com.filter'));
      await Promise.all([settled(first.client), settled(second.client)]);
      const publish = (n: number, options: Record<string, unknown>) => lastValueFrom(publisher.client.publish('com.filter', [n], {}, { acknowledge: true, ...options }));
      await publish(1, { eligible: [second.id] });
      await publish(2, { exclude: [second.id] });
      await publish(3, { eligible_authid: [authid] });
      await publish(4, { exclude_authid: [authid] });
      await publish(5, { exclude_authrole: ['anonymous'] });
      await publish(6, { eligible_authrole: ['anonymous'] });
      const firstGot: unknown[] = [];
      const secondGot: unknown[] = [];
      for (let i = 0; i < 3; i++) firstGot.push((await toFirst.next()).args[0]);
      for (let i = 0; i < 3; i++) secondGot.push((await toSecond.next()).args[0]);
      expect(firstGot).toEqual([2, 4, 6]);
      expect(secondGot).toEqual([1, 3, 6]);
      expect(toFirst.values).toEqual([]);
      expect(toSecond.values).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'calls a callee on another node with args and kwargs, caller disclosure and application errors; a single registration is unique cluster-wide',
    async () => {
      const callee = await joined(a, 'msgpack');
      const caller = await joined(b, 'cbor');
      const other = await joined(c);
      await firstKeeping(callee.client.register('com.rpc.add', (args, kwargs, details) => new WampResult([(args[0] as number) + (args[1] as number)], { echo: kwargs, caller: details.caller ?? null }), { disclose_caller: true }));
      await firstKeeping(
        callee.client.register('com.rpc.fail', () => {
          throw new WampError('com.rpc.error.bad', ['bad'], { field: 'x' });
        }),
      );
      const result = await lastValueFrom(caller.client.call('com.rpc.add', [2, 3], { k: 1 }));
      expect(result.args).toEqual([5]);
      expect(result.kwargs).toEqual({ echo: { k: 1 }, caller: caller.id });
      const error = (await lastValueFrom(other.client.call('com.rpc.fail')).catch((e: unknown) => e)) as WampError;
      expect(error.uri).toBe('com.rpc.error.bad');
      expect(error.args).toEqual(['bad']);
      expect(error.kwargs).toEqual({ field: 'x' });
      const duplicate = (await firstKeeping(other.client.register('com.rpc.add', () => 0)).catch((e: unknown) => e)) as WampError;
      expect(duplicate.uri).toBe('wamp.error.procedure_already_exists');
      const missing = (await lastValueFrom(other.client.call('com.rpc.nothing')).catch((e: unknown) => e)) as WampError;
      expect(missing.uri).toBe('wamp.error.no_such_procedure');
    },
    TIMEOUT,
  );

  it(
    'fails a call too large for NATS (1 MiB by default) with payload_size_exceeded rather than losing it',
    async () => {
      const callee = (await joined(a)).client;
      const caller = (await joined(b)).client;
      await firstKeeping(callee.register('com.rpc.size', (args) => (args[0] as string).length));
      expect((await lastValueFrom(caller.call('com.rpc.size', ['x'.repeat(1000)]))).args[0]).toBe(1000);
      const error = (await lastValueFrom(caller.call('com.rpc.size', ['x'.repeat(1_500_000)])).catch((e: unknown) => e)) as WampError;
      expect(error.uri).toBe('wamp.error.payload_size_exceeded');
    },
    TIMEOUT,
  );

  it(
    'applies shared registration policies across the callees of all nodes',
    async () => {
      const onA = await joined(a);
      const onC = await joined(c);
      const caller = await joined(b);
      for (const invoke of ['roundrobin', 'first', 'last'] as const) {
        const registrations = [
          await firstKeeping(onA.client.register(`com.shared.${invoke}`, () => 'a', { invoke })),
          await firstKeeping(onC.client.register(`com.shared.${invoke}`, () => 'c', { invoke })),
        ];
        expect(registrations[0]!.id).toBe(registrations[1]!.id);
        const answers: unknown[] = [];
        for (let i = 0; i < 4; i++) answers.push((await lastValueFrom(caller.client.call(`com.shared.${invoke}`))).args[0]);
        expect(answers).withContext(invoke).toEqual(invoke === 'roundrobin' ? ['a', 'c', 'a', 'c'] : invoke === 'first' ? ['a', 'a', 'a', 'a'] : ['c', 'c', 'c', 'c']);
      }
      const mismatch = (await firstKeeping(onC.client.register('com.shared.first', () => 'x', { invoke: 'last' })).catch((e: unknown) => e)) as WampError;
      expect(mismatch.uri).toBe('wamp.error.procedure_already_exists');
      const callees = await lastValueFrom(caller.client.call('wamp.registration.lookup', ['com.shared.roundrobin']));
      const listed = (await lastValueFrom(caller.client.call('wamp.registration.list_callees', [callees.args[0]]))).args[0] as number[];
      expect([...listed].sort()).toEqual([onA.id, onC.id].sort());
    },
    TIMEOUT,
  );

  it(
    'picks exact over prefix over wildcard registrations made on different nodes',
    async () => {
      await firstKeeping((await joined(a)).client.register('com.match', () => 'prefix', { match: 'prefix' }));
      await firstKeeping((await joined(b)).client.register('com.match.exact.x', () => 'exact'));
      await firstKeeping((await joined(b)).client.register('com..wild.y', () => 'wildcard', { match: 'wildcard' }));
      const caller = (await joined(c)).client;
      const call = async (procedure: string) => (await lastValueFrom(caller.call(procedure))).args[0];
      expect(await call('com.match.exact.x')).toBe('exact');
      expect(await call('com.match.other')).toBe('prefix');
      expect(await call('com.match.wild.y')).toBe('prefix');
      expect(await call('com.other.wild.y')).toBe('wildcard');
    },
    TIMEOUT,
  );

  it(
    'streams progressive results and progressive invocations between nodes',
    async () => {
      const callee = (await joined(a)).client;
      const caller = (await joined(c)).client;
      await firstKeeping(callee.register('com.prog.count', () => of(1, 2, 3)));
      await firstKeeping(
        callee.register('com.prog.sum', (args, _kwargs, details) => {
          const chunks = details.chunks$;
          if (chunks === undefined) return args[0];
          return new Promise((resolve) => {
            let sum = args[0] as number;
            chunks.subscribe({ next: (chunk) => (sum += chunk.args[0] as number), complete: () => resolve(sum) });
          });
        }),
      );
      const results = await lastValueFrom(caller.call('com.prog.count', [], {}, { receive_progress: true }).pipe(toArray()));
      expect(results.map((r) => [r.args[0], r.progress])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
      const sum = await lastValueFrom(caller.call('com.prog.sum', of([1], [2], [3])));
      expect(sum.args[0]).toBe(6);
    },
    TIMEOUT,
  );

  it(
    'cancels calls on another node in every mode, and times them out at the caller node',
    async () => {
      const callee = (await joined(a)).client;
      const caller = (await joined(b)).client;
      const interrupts = new Subject<string>();
      let onStart: () => void = () => undefined;
      await firstKeeping(
        callee.register('com.cancel.forever', (args) => {
          onStart();
          return new Observable<number>(() => () => interrupts.next(String(args[0])));
        }),
      );
      for (const mode of ['killnowait', 'kill', 'skip'] as const) {
        const running = new Promise<void>((resolve) => (onStart = resolve));
        const interrupted = new Promise<string>((resolve) => {
          const watch = interrupts.subscribe((v) => {
            if (v !== mode) return;
            watch.unsubscribe();
            resolve(v);
          });
        });
        // Unsubscribing a call's Observable sends CANCEL with its mode.
        const subscription = caller.call('com.cancel.forever', [mode], {}, { cancelMode: mode }).subscribe({ error: () => undefined });
        await running;
        subscription.unsubscribe();
        if (mode !== 'skip') expect(await interrupted).withContext(mode).toBe(mode);
      }
      const timedOut = (await lastValueFrom(caller.call('com.cancel.forever', ['timeout'], {}, { timeout: 300 })).catch((e: unknown) => e)) as WampError;
      expect(timedOut.uri).toBe('wamp.error.timeout');
      // The callee's node interrupts the invocation when the caller's node times the call out.
      expect(await new Promise<string>((resolve) => interrupts.subscribe((v) => v === 'timeout' && resolve(v)))).toBe('timeout');
    },
    TIMEOUT,
  );

  it(
    'publishes meta events cluster-wide and lets the meta API of one node kill a session of another',
    async () => {
      const watcher = (await joined(c)).client;
      const joins = collect<WampEvent>(watcher.subscribe('wamp.session.on_join'));
      const leaves = collect<WampEvent>(watcher.subscribe('wamp.session.on_leave'));
      const registers = collect<WampEvent>(watcher.subscribe('wamp.registration.on_create'));
      await settled(watcher);
      const victim = await joined(a);
      expect(((await joins.next()).args[0] as { session: number }).session).toBe(victim.id);
      await firstKeeping(victim.client.register('com.meta.proc', () => 1));
      expect(((await registers.next()).args[1] as { uri: string }).uri).toBe('com.meta.proc');
      const matched = await lastValueFrom(watcher.call('wamp.registration.match', ['com.meta.proc']));
      expect(matched.args[0]).toEqual(jasmine.any(Number));
      await lastValueFrom(watcher.call('wamp.session.kill', [victim.id], { reason: 'com.meta.bye' }));
      // Sessions of the specs before may still be leaving (a slow machine sees their on_leave
      // late): the victim's own leave is the one awaited, and the spec times out without it.
      let leave = await leaves.next();
      while (leave.args[0] !== victim.id) leave = await leaves.next();
      expect(leave.args[0]).toBe(victim.id);
      // Its registration went with it, everywhere.
      const after = await lastValueFrom(watcher.call('wamp.registration.match', ['com.meta.proc']));
      expect(after.args[0]).toBeNull();
    },
    TIMEOUT,
  );

  it(
    'answers the subscription meta API for the whole cluster: one id per pattern, subscribers of every node',
    async () => {
      const onA = await joined(a);
      const onB = await joined(b);
      const asker = (await joined(c)).client;
      onA.client.subscribe('com.metasub.topic').subscribe();
      onB.client.subscribe('com.metasub.topic').subscribe();
      onA.client.subscribe('com.metasub', { match: 'prefix' }).subscribe();
      await Promise.all([settled(onA.client), settled(onB.client)]);
      const id = (await lastValueFrom(asker.call('wamp.subscription.lookup', ['com.metasub.topic']))).args[0] as number;
      expect(id).toEqual(jasmine.any(Number));
      const subscribers = (await lastValueFrom(asker.call('wamp.subscription.list_subscribers', [id]))).args[0] as number[];
      expect([...subscribers].sort()).toEqual([onA.id, onB.id].sort());
      expect((await lastValueFrom(asker.call('wamp.subscription.count_subscribers', [id]))).args[0]).toBe(2);
      expect(((await lastValueFrom(asker.call('wamp.subscription.get', [id]))).args[0] as { uri: string }).uri).toBe('com.metasub.topic');
      const matched = (await lastValueFrom(asker.call('wamp.subscription.match', ['com.metasub.topic']))).args[0] as number[];
      expect(matched.length).toBe(2);
      expect(matched).toContain(id);
      const listed = (await lastValueFrom(asker.call('wamp.subscription.list'))).args[0] as { exact: number[]; prefix: number[] };
      expect(listed.exact).toContain(id);
      expect(listed.prefix.length).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );

  it(
    'removes a callee and a subscriber of another node through the meta API',
    async () => {
      const owner = await joined(a);
      const operator = (await joined(c)).client;
      const unregistered = collect<WampEvent>(operator.subscribe('wamp.registration.on_unregister'));
      const unsubscribed = collect<WampEvent>(operator.subscribe('wamp.subscription.on_unsubscribe'));
      await settled(operator);
      const registration = await firstKeeping(owner.client.register('com.revoke.proc', () => 1));
      const revoked = new Promise<void>((resolve) => owner.client.subscribe('com.revoke.topic').subscribe({ complete: resolve, error: () => undefined }));
      await settled(owner.client);
      await lastValueFrom(operator.call('wamp.registration.remove_callee', [registration.id, owner.id]));
      expect((await unregistered.next()).args).toEqual([owner.id, registration.id]);
      // The callee's node has dropped it when it says so; other nodes' mirrors follow the key-value watch a moment later.
      expect((await lastValueFrom(owner.client.call('wamp.registration.match', ['com.revoke.proc']))).args[0]).toBeNull();
      const subscription = (await lastValueFrom(operator.call('wamp.subscription.lookup', ['com.revoke.topic']))).args[0] as number;
      await lastValueFrom(operator.call('wamp.subscription.remove_subscriber', [subscription, owner.id]));
      expect((await unsubscribed.next()).args).toEqual([owner.id, subscription]);
      // The subscriber's node told it (UNSUBSCRIBED with request 0): its Observable completed.
      await revoked;
    },
    TIMEOUT,
  );

  it(
    'keeps event history cluster-wide: a late subscriber on another node reads the events published before it came',
    async () => {
      const publisher = (await joined(a)).client;
      await lastValueFrom(publisher.publish('com.history.temp', [1], {}, { acknowledge: true }));
      await lastValueFrom(publisher.publish('com.history.temp', [2], { k: 'v' }, { acknowledge: true }));
      // A late subscriber on another node reads what was published before it came.
      const reader = (await joined(b)).client;
      collect<WampEvent>(reader.subscribe('com.history.', { match: 'prefix' }));
      await settled(reader);
      const lookup = await lastValueFrom(reader.call('wamp.subscription.lookup', ['com.history.', { match: 'prefix' }]));
      const subscriptionId = lookup.args[0];
      const answer = await lastValueFrom(reader.call('wamp.subscription.get_events', [subscriptionId, 10]));
      const events = answer.args[0] as Array<{ topic: string; args: unknown[]; kwargs: Record<string, unknown> }>;
      expect(events.map((e) => [e.topic, e.args, e.kwargs])).toEqual([
        ['com.history.temp', [1], {}],
        ['com.history.temp', [2], { k: 'v' }],
      ]);
    },
    TIMEOUT,
  );

  it(
    'keeps retained events cluster-wide: a later subscriber on another node gets the last one',
    async () => {
      const publisher = (await joined(a)).client;
      await lastValueFrom(publisher.publish('com.retained.state', ['old'], {}, { retain: true, acknowledge: true }));
      await lastValueFrom(publisher.publish('com.retained.state', ['new'], {}, { retain: true, acknowledge: true }));
      const late = (await joined(c)).client;
      const events = collect<WampEvent>(late.subscribe('com.retained.state', { get_retained: true }));
      const first = await events.next();
      expect(first.args).toEqual(['new']);
      expect(first.details['retained']).toBeTrue();
    },
    TIMEOUT,
  );

  it(
    'serves Autobahn|JS peers on any node: calls, events and registrations across nodes',
    async () => {
      const port = (url: string) => Number(new URL(url.replace('rs://', 'http://')).port);
      const peerA = await openAutobahn({ kind: 'websocket', url: a.ws, serializer: 'json' });
      const peerC = await openAutobahn({ kind: 'rawsocket', host: '127.0.0.1', port: port(c.rs) });
      closers.push(peerA.close, peerC.close);
      await peerA.session.register('com.ab.mul', (args: number[]) => args[0]! * args[1]!);
      const ours = (await joined(b)).client;
      expect((await lastValueFrom(ours.call('com.ab.mul', [6, 7]))).args[0]).toBe(42);
      expect(await peerC.session.call('com.ab.mul', [3, 4])).toBe(12);
      let deliver!: (args: unknown[]) => void;
      const received = new Promise<unknown[]>((resolve) => (deliver = resolve));
      await peerC.session.subscribe('com.ab.topic', (args: unknown[]) => deliver(args));
      await peerA.session.publish('com.ab.topic', ['hello'], {}, { acknowledge: true });
      expect(await received).toEqual(['hello']);
    },
    TIMEOUT,
  );
});
