import { lastValueFrom } from 'rxjs';
import { ProtocolViolation } from '../../../src/protocol/errors.js';
import type { WampError } from '../../../src/protocol/errors.js';
import { createMessage } from '../../../src/protocol/message.js';
import type { SessionContext } from '../../../src/session/session-context.js';
import { PublisherRole } from '../../../src/session/roles/publisher-role.js';
import { WampSession } from '../../../src/session/wamp-session.js';
import type { SessionOptions } from '../../../src/session/wamp-session.js';
import { scriptedConnection } from '../../support/scripted-router.js';
import { recordStoppedNotifications, stopRecordingStoppedNotifications } from '../../support/stopped-notifications.js';

/** Opens a session whose router answers PUBLISH only by hand, and keeps the connect Observable subscribed. */
function connected(options: Partial<SessionOptions> = {}) {
  const { transport, router } = scriptedConnection();
  router.on('PUBLISH', () => []);
  return new Promise<{ router: typeof router; session: WampSession; transport: typeof transport }>((resolve, reject) =>
    WampSession.connect(transport, { realm: 'r', ...options }).subscribe({ next: (session) => resolve({ router, session, transport }), error: reject }),
  );
}

describe('PublisherRole', () => {
  afterEach(stopRecordingStoppedNotifications);

  it('throws a ProtocolViolation naming a message that is not for the publisher', () => {
    const role = new PublisherRole({} as SessionContext);
    expect(() => role.handle(createMessage('SUBSCRIBED', { 'SUBSCRIBE.Request': 1, Subscription: 2 }))).toThrowError(ProtocolViolation, 'SUBSCRIBED is not a publisher message');
  });

  it("fails an acknowledged publication whose PUBLISH exceeds the transport's limit with payload_size_exceeded, and keeps nothing of it", async () => {
    const { router, session, transport } = await connected();
    Object.defineProperty(transport, 'maxOutgoingMessageSize', { value: 20 });
    const size = JSON.stringify([16, 1, { acknowledge: true }, 't', ['abc']]).length; // the session's first request
    const error = await lastValueFrom(session.publish('t', ['abc'], undefined, { acknowledge: true })).catch((e: unknown) => e);
    expect([(error as WampError).uri, (error as WampError).args]).toEqual(['wamp.error.payload_size_exceeded', [`PUBLISH of ${size} bytes exceeds the peer's limit of 20`]]);
    expect(router.receivedNamed('PUBLISH')).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('with strict on, drops the one late PUBLISHED or ERROR of a publication its subscriber left, telling that subscriber nothing', async () => {
    for (const answer of ['PUBLISHED', 'ERROR'] as const) {
      const { router, session } = await connected({ strict: true });
      const stopped = recordStoppedNotifications();
      session.publish('t', [], {}, { acknowledge: true }).subscribe().unsubscribe();
      const request = router.receivedNamed('PUBLISH')[0]![1];
      router.send(answer === 'PUBLISHED' ? [17, request, 5] : [8, 16, request, {}, 'wamp.error.not_authorized']);
      expect(stopped.read()).withContext(answer).toEqual([]);
      expect(router.receivedNamed('ABORT')).withContext(answer).toEqual([]);
      expect(session.internalSize()).withContext(answer).toBe(0);
      // Dropped once: a second answer for the same request answers nothing.
      router.send([17, request, 6]);
      expect(router.receivedNamed('ABORT')).withContext(answer).toEqual([[3, { message: `PUBLISHED for PUBLISH request ${String(request)}, which awaits no acknowledgement` }, 'wamp.error.protocol_violation']]);
    }
  });

  it('tells nothing to the subscriber of a publication it left when the session ends before PUBLISHED', async () => {
    const { router, session } = await connected();
    const stopped = recordStoppedNotifications();
    session.publish('t', [], {}, { acknowledge: true }).subscribe().unsubscribe();
    router.drop();
    expect(stopped.read()).toEqual([]);
    expect(session.internalSize()).toBe(0);
  });

  it('with strict on, refuses an ERROR for a PUBLISH that awaits no acknowledgement, naming it', async () => {
    const { router, session } = await connected({ strict: true });
    session.publish('t').subscribe();
    const request = router.receivedNamed('PUBLISH')[0]![1];
    router.send([8, 16, request, {}, 'wamp.error.not_authorized']);
    expect(router.receivedNamed('ABORT')).toEqual([[3, { message: `ERROR for PUBLISH request ${String(request)}, which awaits no acknowledgement` }, 'wamp.error.protocol_violation']]);
    expect(session.state).toBe('closed');
  });
});
