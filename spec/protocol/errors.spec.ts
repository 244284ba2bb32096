import { ERROR_ALIASES, ProtocolViolation, WampCloseReasons, WampError, WampErrors } from '../../src/protocol/errors.js';
import { isValidUri } from '../../src/protocol/uri.js';

describe('error URIs', () => {
  it('every standard error URI is a strict wamp.error.* URI', () => {
    const uris = Object.values(WampErrors);
    expect(uris.length).toBeGreaterThanOrEqual(28);
    for (const uri of uris) {
      expect(uri).withContext(uri).toMatch(/^wamp\.error\./);
      expect(isValidUri(uri, { strict: true })).withContext(uri).toBeTrue();
    }
    expect(new Set(uris).size).toBe(uris.length);
  });

  it('names the spec URIs routers and clients rely on', () => {
    expect(WampErrors.noSuchProcedure).toBe('wamp.error.no_such_procedure');
    expect(WampErrors.canceled).toBe('wamp.error.canceled');
    expect(WampErrors.protocolViolation).toBe('wamp.error.protocol_violation');
    expect(WampErrors.noSuchRealm).toBe('wamp.error.no_such_realm');
    expect(WampErrors.notAuthorized).toBe('wamp.error.not_authorized');
    expect(WampErrors.procedureAlreadyExists).toBe('wamp.error.procedure_already_exists');
  });

  it('every close reason is a wamp.close.* URI', () => {
    for (const uri of Object.values(WampCloseReasons)) expect(uri).toMatch(/^wamp\.close\.[a-z_]+$/);
    expect(WampCloseReasons.goodbyeAndOut).toBe('wamp.close.goodbye_and_out');
    expect(WampCloseReasons.systemShutdown).toBe('wamp.close.system_shutdown');
  });

  it('aliases map to standard URIs', () => {
    const standard = new Set<string>(Object.values(WampErrors));
    for (const [alias, uri] of Object.entries(ERROR_ALIASES)) {
      expect(standard.has(uri)).withContext(alias).toBeTrue();
      expect(standard.has(alias)).withContext(alias).toBeFalse();
    }
    expect(ERROR_ALIASES['wamp.error.cancelled']).toBe(WampErrors.canceled);
  });
});

describe('WampError', () => {
  it('carries uri, args, kwargs and details', () => {
    const e = new WampError('com.myapp.error.x', [1, 2], { a: 1 }, { d: true });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('WampError');
    expect(e.uri).toBe('com.myapp.error.x');
    expect(e.args).toEqual([1, 2]);
    expect(e.kwargs).toEqual({ a: 1 });
    expect(e.details).toEqual({ d: true });
  });

  it('defaults to empty args, kwargs and details', () => {
    const e = new WampError(WampErrors.canceled);
    expect(e.args).toEqual([]);
    expect(e.kwargs).toEqual({});
    expect(e.details).toEqual({});
    expect(e.message).toBe('wamp.error.canceled');
  });

  it('its message adds the first string argument or a Details message', () => {
    expect(new WampError('a.b', ['went wrong']).message).toBe('a.b: went wrong');
    expect(new WampError('a.b', [42]).message).toBe('a.b');
    expect(new WampError('a.b', ['arg'], {}, { message: 'from details' }).message).toBe('a.b: from details');
  });
});

describe('ProtocolViolation', () => {
  it('is an Error with the protocol_violation URI and the given reason', () => {
    const e = new ProtocolViolation('CALL: field Procedure must be a URI string, got number 1');
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(WampError);
    expect(e.name).toBe('ProtocolViolation');
    expect(e.uri).toBe('wamp.error.protocol_violation');
    expect(e.message).toBe('CALL: field Procedure must be a URI string, got number 1');
  });
});
