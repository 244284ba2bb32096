import { checkOptions, describe as describeValue } from '../../src/protocol/options-schema.js';

describe('checkOptions', () => {
  it('accepts well-typed known keys', () => {
    expect(checkOptions('PUBLISH', 'Options', { acknowledge: true, exclude_me: false, exclude: [1, 2], eligible_authid: ['a'] })).toBeUndefined();
    expect(checkOptions('CALL', 'Options', { receive_progress: true, timeout: 0, disclose_me: true })).toBeUndefined();
    expect(checkOptions('REGISTER', 'Options', { match: 'wildcard', invoke: 'roundrobin', concurrency: 3 })).toBeUndefined();
    expect(checkOptions('HELLO', 'Details', { roles: {}, authmethods: ['ticket'], authid: 'joe', agent: 'x' })).toBeUndefined();
    expect(checkOptions('EVENT', 'Details', { publisher: 3, topic: 'a.b', trustlevel: 2, retained: true })).toBeUndefined();
  });

  it('ignores unknown keys and messages without a schema', () => {
    expect(checkOptions('CALL', 'Options', { x_whatever: 'anything', receive_progress_typo: 5 })).toBeUndefined();
    expect(checkOptions('CHALLENGE', 'Extra', { challenge: 1 })).toBeUndefined();
  });

  it('names the offending key and what it must hold', () => {
    expect(checkOptions('PUBLISH', 'Options', { acknowledge: 1 })).toBe('PUBLISH: Options.acknowledge must be a boolean, got number 1');
    expect(checkOptions('PUBLISH', 'Options', { exclude: 5 })).toBe('PUBLISH: Options.exclude must be a list of IDs, got number 5');
    expect(checkOptions('PUBLISH', 'Options', { exclude: [0] })).toBe('PUBLISH: Options.exclude must be a list of IDs, got an item number 0');
    expect(checkOptions('PUBLISH', 'Options', { exclude_authrole: ['ok', 3] })).toBe(
      'PUBLISH: Options.exclude_authrole must be a list of strings, got an item number 3',
    );
    expect(checkOptions('SUBSCRIBE', 'Options', { match: 'regex' })).toBe('SUBSCRIBE: Options.match must be one of exact, prefix, wildcard, got string');
    expect(checkOptions('REGISTER', 'Options', { invoke: 'all' })).toMatch(/^REGISTER: Options\.invoke must be one of single, roundrobin, random, first, last/);
    expect(checkOptions('CALL', 'Options', { timeout: 1.5 })).toBe('CALL: Options.timeout must be a non-negative integer, got number');
    expect(checkOptions('CANCEL', 'Options', { mode: 'nuke' })).toMatch(/^CANCEL: Options\.mode must be one of skip, kill, killnowait/);
    expect(checkOptions('INVOCATION', 'Details', { caller: 'me' })).toBe('INVOCATION: Details.caller must be an ID in [1, 2^53], got string');
    expect(checkOptions('HELLO', 'Details', { roles: [] })).toBe('HELLO: Details.roles must be a dictionary, got list');
  });

  it('takes a null option for one not given, and still names a wrong non-null type', () => {
    expect(checkOptions('SUBSCRIBE', 'Options', { match: null, get_retained: null })).toBeUndefined();
    expect(checkOptions('PUBLISH', 'Options', { acknowledge: null, exclude: null, retain: null })).toBeUndefined();
    expect(checkOptions('SUBSCRIBE', 'Options', { match: null, get_retained: 'yes' })).toBe('SUBSCRIBE: Options.get_retained must be a boolean, got string');
  });

  it('checks payload passthru and encryption keys', () => {
    expect(checkOptions('CALL', 'Options', { ppt_scheme: 'mqtt', ppt_serializer: 'cbor' })).toBeUndefined();
    expect(checkOptions('CALL', 'Options', { ppt_scheme: 'x_mine' })).toBeUndefined();
    expect(checkOptions('CALL', 'Options', { ppt_scheme: 'other' })).toMatch(/^CALL: Options\.ppt_scheme must be wamp, mqtt or an x_ scheme/);
    expect(checkOptions('RESULT', 'Details', { enc_algo: 'cryptobox' })).toBeUndefined();
    expect(checkOptions('RESULT', 'Details', { enc_algo: 'rot13' })).toMatch(/^RESULT: Details\.enc_algo must be/);
    // ppt_serializer may name any serialization (mqtt, amqp, stomp, custom ones), but it is a string.
    expect(checkOptions('YIELD', 'Options', { ppt_serializer: 'mqtt' })).toBeUndefined();
    expect(checkOptions('YIELD', 'Options', { ppt_serializer: 3 })).toMatch(/^YIELD: Options\.ppt_serializer must be a string/);
  });
});

describe('checkOptions, key by key', () => {
  // One known key per message (and each value list), with the exact sentence a peer gets back.
  const rejected: Array<[Parameters<typeof checkOptions>[0], string, Record<string, unknown>, string]> = [
    ['WELCOME', 'Details', { authrole: 1 }, 'WELCOME: Details.authrole must be a string, got number 1'],
    ['WELCOME', 'Details', { roles: 'broker' }, 'WELCOME: Details.roles must be a dictionary, got string'],
    ['ABORT', 'Details', { message: ['no'] }, 'ABORT: Details.message must be a string, got list'],
    ['GOODBYE', 'Details', { message: false }, 'GOODBYE: Details.message must be a string, got boolean'],
    ['EVENT', 'Details', { publisher_authid: 2 }, 'EVENT: Details.publisher_authid must be a string, got number 2'],
    ['EVENT', 'Details', { forward_for: [1] }, 'EVENT: Details.forward_for must be a list of dictionaries, got an item number 1'],
    ['SUBSCRIBE', 'Options', { forward_for: {} }, 'SUBSCRIBE: Options.forward_for must be a list of dictionaries, got object'],
    ['INTERRUPT', 'Options', { mode: 'skip' }, 'INTERRUPT: Options.mode must be one of kill, killnowait, got string'],
    ['INTERRUPT', 'Options', { reason: 3 }, 'INTERRUPT: Options.reason must be a string, got number 3'],
    ['CALL', 'Options', { enc_serializer: 'xml' }, 'CALL: Options.enc_serializer must be one of json, msgpack, cbor, ubjson, flatbuffers, opaque, native, got string'],
    ['CALL', 'Options', { enc_algo: 'foo_x_' }, 'CALL: Options.enc_algo must be cryptobox, mqtt, xbr or an x_ algorithm, got string'],
    ['CALL', 'Options', { enc_algo: '' }, 'CALL: Options.enc_algo must be cryptobox, mqtt, xbr or an x_ algorithm, got string'],
  ];
  for (const [name, field, options, sentence] of rejected) {
    it(`rejects ${name} ${field} ${JSON.stringify(options)} with "${sentence}"`, () => {
      expect(checkOptions(name, field, options)).toBe(sentence);
    });
  }

  it('accepts every end-to-end encryption algorithm and serializer it names', () => {
    for (const enc_algo of ['cryptobox', 'mqtt', 'xbr', 'null', 'x_mine']) {
      expect(checkOptions('PUBLISH', 'Options', { enc_algo })).withContext(enc_algo).toBeUndefined();
    }
    for (const enc_serializer of ['json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers', 'opaque', 'native']) {
      expect(checkOptions('PUBLISH', 'Options', { enc_serializer })).withContext(enc_serializer).toBeUndefined();
    }
  });

  it('takes a key written as undefined (msgpackr, cbor-x) as absent', () => {
    expect(checkOptions('PUBLISH', 'Options', { acknowledge: undefined, exclude: undefined })).toBeUndefined();
    expect(checkOptions('WELCOME', 'Details', { roles: undefined, authid: 'joe' })).toBeUndefined();
  });
});

describe('describe (value kinds for error messages)', () => {
  it('names kinds, never long contents', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('list');
    expect(describeValue(new Uint8Array(1))).toBe('bytes');
    expect(describeValue(7)).toBe('number 7');
    expect(describeValue(0.5)).toBe('number');
    expect(describeValue('x'.repeat(10000))).toBe('string');
    expect(describeValue({})).toBe('object');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(true)).toBe('boolean');
  });
});
