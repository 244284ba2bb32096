import { asyncScheduler } from 'rxjs';
import { Router } from '../../src/router/router.js';
import { RawPeer } from '../support/raw-peer.js';
import { MemoryCluster } from '../support/memory-cluster.js';
import type { MemoryClusterOptions } from '../support/memory-cluster.js';
import { startMemoryNodes } from '../support/memory-nodes.js';
import { RecordingLogger } from '../support/recording-logger.js';
import type { ClusterNode } from '../support/memory-nodes.js';

// Message codes of the WAMP messages these specs exchange.
const ERROR = 8;
const PUBLISH = 16;
const PUBLISHED = 17;
const CALL = 48;
const CANCEL = 49;
const RESULT = 50;
const REGISTER = 64;
const REGISTERED = 65;
const UNREGISTER = 66;
const INVOCATION = 68;
const INTERRUPT = 69;
const YIELD = 70;

/** A callee that announces only what an old client would: no canceling, no progress, no revocation. */
const PLAIN_CALLEE = { callee: {}, caller: {} };

describe('routers joined by a cluster link: calls across nodes', () => {
  let routers: Router[];

  const startNodes = (names: string[], options: MemoryClusterOptions = {}, logger?: RecordingLogger): Promise<ClusterNode[]> =>
    startMemoryNodes(routers, names, options, {}, logger === undefined ? {} : { logger });
  /** The call outcomes a node counted (its realm's stats). */
  const outcomes = (node: ClusterNode): Record<string, number> => Object.fromEntries(Object.entries(node.router.realm('realm1')!.stats!.calls).filter(([, n]) => n > 0));

  /** Registers `procedure` and resolves with the registration id. */
  const register = async (peer: RawPeer, request: number, procedure: string, options: Record<string, unknown> = {}): Promise<number> => {
    peer.send(REGISTER, request, options, procedure);
    const answer = await peer.nextOf([REGISTERED, ERROR]);
    if (answer[0] !== REGISTERED) throw new Error(`REGISTER refused: ${JSON.stringify(answer)}`);
    expect(answer[1]).toBe(request);
    return answer[2] as number;
  };

  beforeEach(() => {
    routers = [];
  });

  afterEach(async () => {
    jasmine.clock().uninstall();
    await Promise.all(routers.map((r) => r.close()));
  });

  it('reports the link state of a node: connecting, then ready', async () => {
    const cluster = new MemoryCluster();
    const router = new Router({ realms: [{ name: 'realm1' }], cluster: cluster.node('solo') });
    routers.push(router);
    const states: string[] = [];
    router.clusterState$.subscribe((s) => states.push(s));
    await router.ready;
    expect(states).toEqual(['connecting', 'ready']);
  });

  it('invokes a callee on another node with args, kwargs and the disclosed caller, and relays its RESULT', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const registration = await register(callee.peer, 1, 'com.add', { disclose_caller: true });
    caller.peer.send(CALL, 7, {}, 'com.add', [2, 3], { k: 'v' });
    const invocation = await callee.peer.next(INVOCATION);
    expect(invocation).toEqual([INVOCATION, jasmine.any(Number), registration, { caller: caller.id, caller_authid: jasmine.any(String), caller_authrole: 'anonymous' }, [2, 3], { k: 'v' }]);
    callee.peer.send(YIELD, invocation[1], {}, [5], { sum: true });
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 7, {}, [5], { sum: true }]);
    // A local caller of the same callee: only calls of remote callers are noted for probes.
    const local = await a!.join();
    local.peer.send(CALL, 8, {}, 'com.add', [1, 1]);
    const again = await callee.peer.next(INVOCATION);
    expect(a!.router.realm('realm1')!.servingRemote.size).toBe(0);
    callee.peer.send(YIELD, again[1], {}, [2]);
    expect((await local.peer.next(RESULT))[3]).toEqual([2]);
    // The calls are over on both nodes, and each node counted the remote one as a result.
    expect(a!.router.realm('realm1')!.servingRemote.size).toBe(0);
    expect(outcomes(a!)).toEqual({ result: 2 });
    expect(outcomes(b!)).toEqual({ result: 1 });
    // Each node timed the calls it counted.
    const timed = (node: ClusterNode): number => node.router.realm('realm1')!.stats!.callDurationBuckets.reduce((sum, n) => sum + n, 0);
    expect(timed(a!)).toBe(2);
    expect(timed(b!)).toBe(1);
  });

  it('relays a callee ERROR across nodes with its Arguments', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.fail');
    caller.peer.send(CALL, 3, {}, 'com.fail', [1]);
    const invocation = await callee.peer.next(INVOCATION);
    expect(invocation[3]).toEqual({});
    callee.peer.send(ERROR, INVOCATION, invocation[1], { why: 1 }, 'com.error.bad', ['bad'], { field: 'x' });
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 3, { why: 1 }, 'com.error.bad', ['bad'], { field: 'x' }]);
    expect(outcomes(b!)).toEqual({ error: 1 });
  });

  it('keeps a single registration unique cluster-wide and gives a shared one the same id on every node', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const first = await a!.join();
    const second = await b!.join();
    await register(first.peer, 1, 'com.single');
    second.peer.send(REGISTER, 2, {}, 'com.single');
    expect(await second.peer.next(ERROR)).toEqual([ERROR, REGISTER, 2, {}, 'wamp.error.procedure_already_exists', ["'com.single' is already registered"]]);
    const shared = await register(first.peer, 3, 'com.shared', { invoke: 'roundrobin' });
    expect(await register(second.peer, 4, 'com.shared', { invoke: 'roundrobin' })).toBe(shared);
    const third = await b!.join();
    third.peer.send(REGISTER, 5, { invoke: 'first' }, 'com.shared');
    const mismatch = await third.peer.next(ERROR);
    expect(mismatch[4]).toBe('wamp.error.procedure_already_exists');
    expect(mismatch[5]).toEqual(["'com.shared' is registered with invocation policy 'roundrobin', not 'first'"]);
  });

  it('refuses a REGISTER the cluster could not write with runtime_error, saying why, and registers once it can', async () => {
    const [a] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const link = a!.link.realm('realm1');
    const write = spyOn(link, 'register').and.returnValues(Promise.reject(new Error('the key-value store timed out')), Promise.reject('no responders'));
    callee.peer.send(REGISTER, 1, {}, 'com.x');
    expect(await callee.peer.next(ERROR)).toEqual([ERROR, REGISTER, 1, {}, 'wamp.error.runtime_error', ["the cluster could not register 'com.x': the key-value store timed out"]]);
    callee.peer.send(REGISTER, 2, {}, 'com.x');
    expect(await callee.peer.next(ERROR)).toEqual([ERROR, REGISTER, 2, {}, 'wamp.error.runtime_error', ["the cluster could not register 'com.x': no responders"]]);
    write.and.callThrough();
    await register(callee.peer, 3, 'com.x');
    expect(callee.peer.received).toEqual([]);
  });

  it('lets one of two nodes win a single registration both ask for at once; the other learns why from the cluster', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const first = await a!.join();
    const second = await b!.join();
    // Neither node knows the other's REGISTER yet: the cluster decides.
    first.peer.send(REGISTER, 1, {}, 'com.race');
    second.peer.send(REGISTER, 1, {}, 'com.race');
    const won = await first.peer.nextOf([REGISTERED, ERROR]);
    const lost = await second.peer.nextOf([REGISTERED, ERROR]);
    expect(won[0]).toBe(REGISTERED);
    expect(lost).toEqual([ERROR, REGISTER, 1, {}, 'wamp.error.procedure_already_exists', ["'com.race' is already registered (invocation policy 'single')"]]);
  });

  it('unregisters cluster-wide a registration whose callee left before the cluster answered', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const gone = await a!.join();
    // The callee leaves right after its node asked the cluster, before the answer comes back.
    const link = a!.link.realm('realm1');
    const ask = link.register.bind(link);
    spyOn(link, 'register').and.callFake((...args: Parameters<typeof link.register>) => {
      const answer = ask(...args);
      gone.peer.cut();
      return answer;
    });
    gone.peer.send(REGISTER, 1, {}, 'com.orphan');
    expect(link.register).toHaveBeenCalledTimes(1);
    const other = await b!.join();
    // Once the late answer has been handled, the procedure is free on every node.
    const caller = await a!.join();
    caller.peer.send(CALL, 1, {}, 'com.orphan');
    expect((await caller.peer.next(ERROR))[4]).toBe('wamp.error.no_such_procedure');
    expect(await register(other.peer, 1, 'com.orphan')).toEqual(jasmine.any(Number));
    expect(gone.peer.received.filter((m) => m[0] === REGISTERED)).toEqual([]);
  });

  it('announces a cluster registration once to the meta API: on_create for the first callee, on_register for each', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const watcher = await a!.join();
    watcher.peer.send(32, 1, {}, 'wamp.registration.on_create');
    watcher.peer.send(32, 2, {}, 'wamp.registration.on_register');
    await watcher.peer.next(33);
    await watcher.peer.next(33);
    const one = await a!.join();
    const two = await b!.join();
    const id = await register(one.peer, 1, 'com.meta', { invoke: 'roundrobin' });
    const created = await watcher.peer.next(36);
    expect(created[4]).toEqual([one.id, jasmine.objectContaining({ id, uri: 'com.meta', match: 'exact', invoke: 'roundrobin' })]);
    expect((await watcher.peer.next(36))[4]).toEqual([one.id, id]);
    await register(two.peer, 1, 'com.meta', { invoke: 'roundrobin' });
    // The second callee's node announces on_register only (the event reaches every node).
    expect((await watcher.peer.next(36))[4]).toEqual([two.id, id]);
    one.peer.send(CALL, 9, {}, 'wamp.session.count');
    await one.peer.next(RESULT);
    expect(watcher.peer.received.filter((m) => m[0] === 36)).toEqual([]);
  });

  it('applies the shared policies across the callees of all nodes', async () => {
    const [a, b, c] = await startNodes(['a', 'b', 'c']);
    const onA = await a!.join();
    const onC = await c!.join();
    const caller = await b!.join();
    let request = 0;
    // One waiter per callee at a time: the one that did not get this call keeps waiting for the next.
    let onANext = onA.peer.next(INVOCATION);
    let onCNext = onC.peer.next(INVOCATION);
    const answers = async (procedure: string): Promise<string[]> => {
      const got: string[] = [];
      for (let i = 0; i < 4; i++) {
        caller.peer.send(CALL, ++request, {}, procedure);
        const [name, invocation] = await Promise.race([onANext.then((m) => ['a', m] as const), onCNext.then((m) => ['c', m] as const)]);
        if (name === 'a') onANext = onA.peer.next(INVOCATION);
        else onCNext = onC.peer.next(INVOCATION);
        got.push(name);
        (name === 'a' ? onA : onC).peer.send(YIELD, invocation[1], {}, [name]);
        expect((await caller.peer.next(RESULT))[3]).toEqual([name]);
      }
      return got;
    };
    for (const invoke of ['roundrobin', 'first', 'last']) {
      await register(onA.peer, ++request, `com.${invoke}`, { invoke });
      await register(onC.peer, ++request, `com.${invoke}`, { invoke });
    }
    expect(await answers('com.roundrobin')).toEqual(['a', 'c', 'a', 'c']);
    expect(await answers('com.first')).toEqual(['a', 'a', 'a', 'a']);
    expect(await answers('com.last')).toEqual(['c', 'c', 'c', 'c']);
  });

  it('invokes the callee the caller node picked among several callees of one node', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const first = await a!.join();
    const second = await a!.join();
    const caller = await b!.join();
    await register(first.peer, 1, 'com.rr', { invoke: 'roundrobin' });
    await register(second.peer, 1, 'com.rr', { invoke: 'roundrobin' });
    for (const [request, callee] of [[1, first], [2, second], [3, first]] as const) {
      caller.peer.send(CALL, request, {}, 'com.rr');
      const invocation = await callee.peer.next(INVOCATION);
      callee.peer.send(YIELD, invocation[1], {}, [request]);
      expect(await caller.peer.next(RESULT)).toEqual([RESULT, request, {}, [request]]);
    }
    expect(first.peer.received).toEqual([]);
    expect(second.peer.received).toEqual([]);
  });

  it('answers a CALL that reaches the callee node after its callee unregistered with no_such_procedure', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const id = await register(callee.peer, 1, 'com.gone');
    // The same turn: b still knows the registration when the CALL leaves.
    callee.peer.send(UNREGISTER, 2, id);
    caller.peer.send(CALL, 1, {}, 'com.gone');
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.no_such_procedure', ["the callee of 'com.gone' is no longer registered"]]);
  });

  it('tells a pattern-based callee on another node which procedure was called', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const registration = await register(callee.peer, 1, 'com.prefix', { match: 'prefix' });
    caller.peer.send(CALL, 1, {}, 'com.prefix.x');
    const invocation = await callee.peer.next(INVOCATION);
    expect(invocation.slice(2, 4)).toEqual([registration, { procedure: 'com.prefix.x' }]);
  });

  it('answers no_such_procedure after looking once more, and finds a registration that arrives meanwhile', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    caller.peer.send(CALL, 1, {}, 'com.nothing');
    const missing = await caller.peer.next(ERROR);
    expect(missing.slice(0, 5)).toEqual([ERROR, CALL, 1, jasmine.any(Object), 'wamp.error.no_such_procedure']);
    expect(outcomes(b!)).toEqual({ no_such_procedure: 1 });
    // A REGISTER on a and a CALL on b in the same turn: b's second look (after a sync) finds it.
    callee.peer.send(REGISTER, 2, {}, 'com.late');
    caller.peer.send(CALL, 2, {}, 'com.late');
    const invocation = await callee.peer.next(INVOCATION);
    callee.peer.send(YIELD, invocation[1], {}, ['found']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 2, {}, ['found']]);
  });

  it('streams progressive results to a caller on another node that asked for them, and only the final one otherwise', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.prog');
    caller.peer.send(CALL, 1, { receive_progress: true }, 'com.prog');
    let invocation = await callee.peer.next(INVOCATION);
    expect(invocation[3]).toEqual({ receive_progress: true });
    callee.peer.send(YIELD, invocation[1], { progress: true }, [1]);
    callee.peer.send(YIELD, invocation[1], {}, [2]);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, { progress: true }, [1]]);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, {}, [2]]);
    caller.peer.send(CALL, 2, {}, 'com.prog');
    invocation = await callee.peer.next(INVOCATION);
    expect(invocation[3]).toEqual({});
    callee.peer.send(YIELD, invocation[1], { progress: true }, [1]);
    callee.peer.send(YIELD, invocation[1], {}, [2]);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 2, {}, [2]]);
    expect(caller.peer.received).toEqual([]);
  });

  it('relays progressive call invocations to a callee on another node, and refuses a request id already in use', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const registration = await register(callee.peer, 1, 'com.sum');
    caller.peer.send(CALL, 1, { progress: true }, 'com.sum', [1]);
    const first = await callee.peer.next(INVOCATION);
    expect(first.slice(2, 5)).toEqual([registration, { progress: true }, [1]]);
    caller.peer.send(CALL, 1, { progress: true }, 'com.sum', [2]);
    caller.peer.send(CALL, 1, {}, 'com.sum', [3]);
    expect(await callee.peer.next(INVOCATION)).toEqual([INVOCATION, first[1], registration, { progress: true }, [2]]);
    expect(await callee.peer.next(INVOCATION)).toEqual([INVOCATION, first[1], registration, {}, [3]]);
    callee.peer.send(YIELD, first[1], {}, [6]);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, {}, [6]]);
    // The parts went on to the callee's node one by one, and nothing failed the call meanwhile.
    expect(caller.peer.received).toEqual([]);
    // A CALL that reuses the id of a call still running (not progressive) is a protocol violation.
    caller.peer.send(CALL, 2, {}, 'com.sum', [1]);
    await callee.peer.next(INVOCATION);
    caller.peer.send(CALL, 2, {}, 'com.sum', [1]);
    const abort = await caller.peer.next(3);
    expect(abort[2]).toBe('wamp.error.protocol_violation');
    expect(JSON.stringify(abort[1])).toContain('already in use');
  });

  it('refuses a progressive call invocation when the callee on another node does not support them', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join(PLAIN_CALLEE);
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.plain');
    caller.peer.send(CALL, 1, { progress: true }, 'com.plain', [1]);
    const refused = await caller.peer.next(ERROR);
    expect(refused.slice(0, 5)).toEqual([ERROR, CALL, 1, jasmine.any(Object), 'wamp.error.feature_not_supported']);
  });

  it('cancels a call on another node in every mode: the callee node applies the mode and answers', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    // killnowait: INTERRUPT to the callee, canceled at once.
    caller.peer.send(CALL, 1, {}, 'com.slow');
    let invocation = await callee.peer.next(INVOCATION);
    caller.peer.send(CANCEL, 1, { mode: 'killnowait' });
    expect(await callee.peer.next(INTERRUPT)).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: 'wamp.error.canceled' }]);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.canceled', ['call canceled (killnowait)']]);
    // kill: INTERRUPT, and the callee's own answer ends the call.
    caller.peer.send(CALL, 2, {}, 'com.slow');
    invocation = await callee.peer.next(INVOCATION);
    caller.peer.send(CANCEL, 2, { mode: 'kill' });
    expect((await callee.peer.next(INTERRUPT))[2]).toEqual({ mode: 'kill', reason: 'wamp.error.canceled' });
    callee.peer.send(ERROR, INVOCATION, invocation[1], {}, 'wamp.error.canceled', ['stopped']);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 2, {}, 'wamp.error.canceled', ['stopped']]);
    // skip: no INTERRUPT; the callee's late answer is dropped.
    caller.peer.send(CALL, 3, {}, 'com.slow');
    invocation = await callee.peer.next(INVOCATION);
    caller.peer.send(CANCEL, 3, { mode: 'skip' });
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 3, {}, 'wamp.error.canceled', ['call canceled (skip)']]);
    callee.peer.send(YIELD, invocation[1], {}, ['late']);
    caller.peer.send(CALL, 4, {}, 'wamp.session.count');
    expect((await caller.peer.next(RESULT))[1]).toBe(4);
    expect(callee.peer.received).toEqual([]);
    expect(caller.peer.received).toEqual([]);
    // A CANCEL for a call that has ended is dropped.
    caller.peer.send(CANCEL, 3, {});
    caller.peer.send(CALL, 5, {}, 'wamp.session.count');
    expect((await caller.peer.next(RESULT))[1]).toBe(5);
    expect(caller.peer.received).toEqual([]);
  });

  it('fails the calls of a caller whose remote callee leaves, and interrupts the callee when a remote caller leaves', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    caller.peer.send(CALL, 1, {}, 'com.slow');
    await callee.peer.next(INVOCATION);
    callee.peer.send(6, {}, 'wamp.close.normal');
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.canceled', ['the callee left']]);
    // The registration went with its callee, on every node.
    caller.peer.send(CALL, 2, {}, 'com.slow');
    expect((await caller.peer.next(ERROR))[4]).toBe('wamp.error.no_such_procedure');

    const second = await a!.join();
    await register(second.peer, 1, 'com.slow');
    caller.peer.send(CALL, 3, {}, 'com.slow');
    const invocation = await second.peer.next(INVOCATION);
    caller.peer.cut();
    expect(await second.peer.next(INTERRUPT)).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: 'wamp.error.canceled' }]);
    expect(a!.router.realm('realm1')!.servingRemote.size).toBe(0);
  });

  it("fails a caller's pending call when the callee's node dies, and forgets that node's registrations", async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    caller.peer.send(CALL, 1, {}, 'com.slow');
    await callee.peer.next(INVOCATION);
    await a!.link.crash();
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.canceled', ["the callee's node 'a' is gone"]]);
    caller.peer.send(CALL, 2, {}, 'com.slow');
    expect((await caller.peer.next(ERROR))[4]).toBe('wamp.error.no_such_procedure');
  });

  it('fails calls fast while the link is down: pending ones canceled, new ones unavailable, REGISTER refused', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    caller.peer.send(CALL, 1, {}, 'com.slow');
    await callee.peer.next(INVOCATION);
    await b!.link.disconnect();
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.canceled', ['the cluster link is down']]);
    expect(outcomes(b!)).toEqual({ canceled: 1 });
    // No registration can arrive meanwhile: an unknown procedure is answered at once, not after a look at the cluster.
    caller.peer.send(CALL, 9, {}, 'com.unknown');
    caller.peer.send(PUBLISH, 9, { acknowledge: true }, 'com.topic');
    expect((await caller.peer.nextOf([ERROR, PUBLISHED])).slice(0, 3)).toEqual([ERROR, CALL, 9]);
    await caller.peer.next(PUBLISHED);
    caller.peer.send(CALL, 2, {}, 'com.slow');
    const unavailable = await caller.peer.next(ERROR);
    expect(unavailable).toEqual([ERROR, CALL, 2, {}, 'wamp.error.unavailable', ["the callee of 'com.slow' is on node 'a', and the cluster link is down"]]);
    caller.peer.send(REGISTER, 3, {}, 'com.other');
    expect((await caller.peer.next(ERROR)).slice(0, 5)).toEqual([ERROR, REGISTER, 3, jasmine.any(Object), 'wamp.error.unavailable']);
    await b!.link.reconnect();
    caller.peer.send(CALL, 4, {}, 'com.slow');
    const invocation = await callee.peer.next(INVOCATION, (m) => m[1] !== 1);
    callee.peer.send(YIELD, invocation[1], {}, ['back']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 4, {}, ['back']]);
  });

  it('cancels a remote call locally when the CANCEL cannot leave, and fails a progressive call whose next part cannot', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    caller.peer.send(CALL, 1, {}, 'com.slow');
    caller.peer.send(CALL, 2, { progress: true }, 'com.slow', [1]);
    await callee.peer.next(INVOCATION);
    await callee.peer.next(INVOCATION);
    // Down without the link-down news yet reaching the realm: the sends themselves fail.
    const realm = b!.router.realm('realm1')!;
    spyOn(realm, 'input').and.stub();
    b!.link.disconnect();
    caller.peer.send(CANCEL, 1, {});
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.canceled', ['call canceled (the cluster link is down)']]);
    caller.peer.send(CALL, 2, {}, 'com.slow', [2]);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 2, {}, 'wamp.error.canceled', ['the cluster link is down']]);
  });

  it('fails what exceeds the largest message the cluster carries: a CALL, a part of a progressive call, a RESULT', async () => {
    const [a, b] = await startNodes(['a', 'b'], { maxPayload: 1_000 });
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.size');
    const big = 'x'.repeat(2_000);
    caller.peer.send(CALL, 1, {}, 'com.size', [big]);
    const tooLarge = await caller.peer.next(ERROR);
    expect(tooLarge).toEqual([ERROR, CALL, 1, {}, 'wamp.error.payload_size_exceeded', ["the call exceeds the largest message NATS carries to the callee's node"]]);
    caller.peer.send(CALL, 2, { progress: true }, 'com.size', ['small']);
    await callee.peer.next(INVOCATION);
    caller.peer.send(CALL, 2, {}, 'com.size', [big]);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 2, {}, 'wamp.error.payload_size_exceeded', ['a part of the call exceeds the largest message NATS carries']]);
    expect(outcomes(b!)).toEqual({ error: 1 });
    caller.peer.send(CALL, 3, {}, 'com.size', ['small']);
    const invocation = await callee.peer.next(INVOCATION, (m) => (m[4] as unknown[])[0] === 'small' && m[3] !== undefined && !('progress' in (m[3] as object)));
    callee.peer.send(YIELD, invocation[1], {}, [big]);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 3, {}, 'wamp.error.payload_size_exceeded', ['the result exceeds the largest message the cluster carries']]);
  });

  it('re-establishes the sessions and registrations of a node the others took for gone, once it is back', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const id = await register(callee.peer, 1, 'com.back');
    await a!.link.disconnect(true);
    caller.peer.send(CALL, 1, {}, 'com.back');
    expect((await caller.peer.next(ERROR))[4]).toBe('wamp.error.no_such_procedure');
    await a!.link.reconnect();
    caller.peer.send(CALL, 2, {}, 'com.back');
    const invocation = await callee.peer.next(INVOCATION);
    expect(invocation[2]).toBe(id);
    callee.peer.send(YIELD, invocation[1], {}, ['back']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 2, {}, ['back']]);
    caller.peer.send(CALL, 3, {}, 'wamp.session.count');
    expect((await caller.peer.next(RESULT))[3]).toEqual([2]);
  });

  it('times a remote call out at the caller node, cancels it on the callee node, and drops the late answer of that node', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    const local = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    await register(local.peer, 1, 'com.local');
    jasmine.clock().install();
    caller.peer.send(CALL, 1, { timeout: 1_000 }, 'com.slow');
    const invocation = await callee.peer.next(INVOCATION);
    // The caller's node enforces the timeout: the callee is not told one.
    expect(invocation[3]).toEqual({});
    jasmine.clock().tick(1_000);
    // The same request id at once for a call on the caller's own node; the callee node's
    // answer to the timed-out call (its ERROR for the CANCEL) arrives after it, and is not for it.
    caller.peer.send(CALL, 1, {}, 'com.local');
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.timeout', ['call timed out']]);
    expect(await callee.peer.next(INTERRUPT)).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: 'wamp.error.canceled' }]);
    const mine = await local.peer.next(INVOCATION);
    caller.peer.send(CALL, 2, {}, 'wamp.session.count');
    await caller.peer.next(RESULT, (m) => m[1] === 2);
    local.peer.send(YIELD, mine[1], {}, ['local']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, {}, ['local']]);
    expect(caller.peer.received).toEqual([]);
    expect(outcomes(b!)).toEqual({ timeout: 1, result: 1 });
  });

  it('stops probing once no remote call is pending: no timer is left behind', async () => {
    const [a, b] = await startNodes(['a', 'b']);
    const callee = await a!.join();
    const caller = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    const probe = spyOn(b!.link.realm('realm1'), 'probe').and.callThrough();
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(2026, 0, 1));
    caller.peer.send(CALL, 1, {}, 'com.slow');
    const invocation = await callee.peer.next(INVOCATION);
    jasmine.clock().tick(2_000);
    expect(probe).toHaveBeenCalledOnceWith('a', [[caller.id, 1]]);
    callee.peer.send(YIELD, invocation[1], {}, ['done']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, {}, ['done']]);
    // The prober armed for the next round finds nothing to ask about, and does not arm again.
    const timers = spyOn(asyncScheduler, 'schedule').and.callThrough();
    jasmine.clock().tick(10_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(timers).not.toHaveBeenCalled();
  });

  it('probes remote calls unanswered for two seconds, once per node and round: served ones go on, lost ones fail', async () => {
    const logger = new RecordingLogger();
    const [a, b] = await startNodes(['a', 'b'], {}, logger);
    const callee = await a!.join();
    const caller = await b!.join();
    const other = await b!.join();
    await register(callee.peer, 1, 'com.slow');
    const probe = spyOn(b!.link.realm('realm1'), 'probe').and.callThrough();
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(2026, 0, 1));
    caller.peer.send(CALL, 1, {}, 'com.slow');
    other.peer.send(CALL, 2, {}, 'com.slow');
    const served = [await callee.peer.next(INVOCATION), await callee.peer.next(INVOCATION)];
    // Calls lost on their way: a cannot hear the cluster for a moment, and b does not know.
    const lose = async (send: () => void): Promise<void> => {
      await a!.link.disconnect();
      send();
      // Everything b sent meanwhile has been dropped before a hears again.
      await b!.link.sync();
      await a!.link.reconnect();
    };
    await lose(() => caller.peer.send(CALL, 2, { timeout: 2_001 }, 'com.slow'));
    jasmine.clock().tick(1_000);
    await lose(() => caller.peer.send(CALL, 3, {}, 'com.slow'));
    jasmine.clock().tick(1_000);
    // Round one: the calls sent two seconds ago are asked about, in one probe.
    expect(probe).toHaveBeenCalledOnceWith('a', [
      [caller.id, 1],
      [other.id, 2],
      [caller.id, 2],
    ]);
    // Call 2 times out before the answer comes back: the answer finds it gone.
    jasmine.clock().tick(1);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 2, {}, 'wamp.error.timeout', ['call timed out']]);
    // Round two asks about call 3, sent a second after the others, and finds it lost.
    jasmine.clock().tick(1_999);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(await caller.peer.next(ERROR)).toEqual([ERROR, CALL, 3, {}, 'wamp.error.canceled', ["the call was lost on its way to node 'a'"]]);
    // The calls a serves are still on: their answers arrive.
    callee.peer.send(YIELD, served[0]![1], {}, ['one']);
    callee.peer.send(YIELD, served[1]![1], {}, ['two']);
    expect(await caller.peer.next(RESULT)).toEqual([RESULT, 1, {}, ['one']]);
    expect(await other.peer.next(RESULT)).toEqual([RESULT, 2, {}, ['two']]);
    expect(caller.peer.received).toEqual([]);
    expect(logger.named('stage_failure')).toEqual([]);
  });
});
