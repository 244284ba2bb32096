import { WampError } from '../../src/protocol/errors.js';
import { featureNotAnnounced, SessionClosedError } from '../../src/session/session-errors.js';

describe('session errors', () => {
  it('SessionClosedError is a WampError carrying its message in Arguments and Details, and its cause', () => {
    const cause = new Error('socket reset');
    const error = new SessionClosedError('wamp.error.network_failure', 'the connection was lost', cause);
    expect(error).toBeInstanceOf(WampError);
    expect(error.name).toBe('SessionClosedError');
    expect([error.uri, error.args, error.kwargs, error.details]).toEqual(['wamp.error.network_failure', ['the connection was lost'], {}, { message: 'the connection was lost' }]);
    expect(error.cause).toBe(cause);
  });

  it('featureNotAnnounced names the role, the feature and what needed it, and how to go on anyway', () => {
    const error = featureNotAnnounced('dealer', 'call_timeout', 'a call timeout');
    const message = "a call timeout needs the router's dealer feature call_timeout, which it did not announce in WELCOME (set requireRouterFeatures: false to use it anyway)";
    expect([error.uri, error.args, error.details]).toEqual(['wamp.error.feature_not_supported', [message], { message }]);
  });
});
