import { ProtocolViolation, WampError } from '../../../src/protocol/errors.js';
import { createMessage } from '../../../src/protocol/message.js';
import type { SessionContext } from '../../../src/session/session-context.js';
import { SubscriberRole } from '../../../src/session/roles/subscriber-role.js';
import { WampSession } from '../../../src/session/wamp-session.js';
import type { SessionOptions } from '../../../src/session/wamp-session.js';
import { scriptedConnection } from '../../support/scripted-router.js';
import { recordStoppedNotifications, stopRecordingStoppedNotifications } from '../../support/stopped-notifications.js';

/** Opens a session and keeps the connect Observable subscribed (unsubscribing would close it). */
function connected(options: Partial<SessionOptions> = {}) {
  const { transport, router } = scriptedConnection();
  router.on('SUBSCRIBE', () => []); // answered by hand
  router.on('UNSUBSCRIBE', () => []);
  return new Promise<{ router: typeof router; session: WampSession; transport: typeof transport }>((resolve, reject) =>
    WampSession.connect(transport, { realm: 'r', ...options }).subscribe({ next: (session) => resolve({ router, session, transport }), error: reject }),
  );
}

describe('SubscriberRole', () => {
  afterEach(stopRecordingStoppedNotifications);

  it('throws a ProtocolViolation naming a message that is not for the subscriber', () => {
    const role = new SubscriberRole({} as SessionContext);
    expect(() => role.handle(createMessage('PUBLISHED', { 'PUBLISH.Request': 1, Publication: 2 }))).toThrowError(ProtocolViolation, 'PUBLISHED is not a subscriber message');
  });

  it("fails a subscription whose SUBSCRIBE exceeds the transport's limit with payload_size_exceeded, and keeps nothing of it", async () => {
    const { router, session, transport } = await connected();
    Object.defineProperty(transport, 'maxOutgoingMessageSize', { value: 20 });
    const topic = 'a.topic.name.too.long.to.send';
    const size = JSON.stringify([32, 1, {}, topic]).length; // the session's first request
    const error = await new Promise((resolve) => session.subscribe(topic).subscribe({ error: resolve }));
    expect([(error as WampError).uri, (error as WampError).args]).toEqual(['wamp.error.payload_size_exceeded', [`SUBSCRIBE of ${size} bytes exceeds the peer's limit of 20`]]);
    expect(router.receivedNamed('SUBSCRIBE')).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('fails a subscription still waiting for SUBSCRIBED when the connection is lost, and tells nothing to one its subscriber left', async () => {
    const { router, session } = await connected();
    const ends: string[] = [];
    session.subscribe('t').subscribe({ error: (e: unknown) => ends.push(`t: ${(e as WampError).uri}`) });
    const stopped = recordStoppedNotifications();
    session.subscribe('u').subscribe({ error: (e: unknown) => ends.push(`u: ${(e as WampError).uri}`) }).unsubscribe();
    router.drop();
    expect(ends).toEqual(['t: wamp.error.network_failure']);
    expect(stopped.read()).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('passes an ERROR for a SUBSCRIBE on to its subscriber, and tells nothing to one that left', async () => {
    const { router, session } = await connected();
    let error: unknown;
    session.subscribe('t').subscribe({ error: (e: unknown) => (error = e) });
    const stopped = recordStoppedNotifications();
    session.subscribe('u').subscribe().unsubscribe();
    const [t, u] = router.receivedNamed('SUBSCRIBE');
    router.send([8, 32, t![1], {}, 'wamp.error.not_authorized', ['no']]);
    router.send([8, 32, u![1], {}, 'wamp.error.not_authorized', ['no']]);
    expect([(error as WampError).uri, (error as WampError).args]).toEqual(['wamp.error.not_authorized', ['no']]);
    expect(stopped.read()).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('sends no UNSUBSCRIBE after GOODBYE: not for a subscriber leaving then, nor for a SUBSCRIBED then of one that left', async () => {
    const { router, session } = await connected();
    router.on('GOODBYE', () => []); // the reply is held: the session stays closing
    const live = session.subscribe('t').subscribe();
    const left = session.subscribe('u').subscribe();
    const [t, u] = router.receivedNamed('SUBSCRIBE');
    router.send([33, t![1], 5]);
    left.unsubscribe();
    void session.close();
    live.unsubscribe();
    router.send([33, u![1], 6]);
    expect(session.state).toBe('closing');
    expect(router.received.slice(-1)).toEqual([[6, {}, 'wamp.close.normal']]);
    expect(router.receivedNamed('UNSUBSCRIBE')).toEqual([]);
  });

  it('with strict on, drops the EVENTs of a subscription until its UNSUBSCRIBED (or ERROR) arrives, and refuses them after', async () => {
    for (const answer of ['UNSUBSCRIBED', 'ERROR'] as const) {
      const { router, session } = await connected({ strict: true });
      const events: unknown[] = [];
      const subscription = session.subscribe('t').subscribe((e) => events.push(e.args));
      router.send([33, router.receivedNamed('SUBSCRIBE')[0]![1], 5]);
      subscription.unsubscribe();
      const [unsubscribe] = router.receivedNamed('UNSUBSCRIBE');
      router.send([36, 5, 1, {}, ['late']]);
      expect(router.receivedNamed('ABORT')).withContext(answer).toEqual([]);
      expect(session.state).withContext(answer).toBe('established');
      router.send(answer === 'UNSUBSCRIBED' ? [35, unsubscribe![1]] : [8, 34, unsubscribe![1], {}, 'wamp.error.no_such_subscription']);
      expect(session.internalSize()).withContext(answer).toBe(0);
      router.send([36, 5, 2, {}, ['stray']]);
      expect(router.receivedNamed('ABORT')).withContext(answer).toEqual([[3, { message: 'EVENT for subscription 5, which this session does not hold' }, 'wamp.error.protocol_violation']]);
      expect(events).withContext(answer).toEqual([]);
    }
  });
});
