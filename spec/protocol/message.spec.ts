import { ProtocolViolation } from '../../src/protocol/errors.js';
import { createMessage, messageFromArray } from '../../src/protocol/message.js';
import type { Message } from '../../src/protocol/message.js';
import { MESSAGE_TABLE } from '../../src/protocol/message-table.js';
import type { MessageName } from '../../src/protocol/message-table.js';

const BIG = 2 ** 53;

/** One valid array form per message type, with every optional field present. */
const SAMPLES: Record<MessageName, unknown[]> = {
  HELLO: [1, 'realm1', { roles: { caller: {} } }],
  WELCOME: [2, 9129137332, { roles: { broker: {} } }],
  ABORT: [3, { message: 'no' }, 'wamp.error.no_such_realm', ['a'], { k: 1 }],
  CHALLENGE: [4, 'wampcra', { challenge: 'x' }],
  AUTHENTICATE: [5, 'sig', {}],
  GOODBYE: [6, {}, 'wamp.close.system_shutdown'],
  ERROR: [8, 48, 7814135, {}, 'com.myapp.error.object_write_protected', ['Object is write protected.'], { severity: 3 }],
  PUBLISH: [16, 239714735, {}, 'com.myapp.mytopic1', ['Hello, world!'], { color: 'orange' }],
  PUBLISHED: [17, 239714735, 4429313566],
  SUBSCRIBE: [32, 713845233, {}, 'com.myapp.mytopic1'],
  SUBSCRIBED: [33, 713845233, 5512315355],
  UNSUBSCRIBE: [34, 85346237, 5512315355],
  UNSUBSCRIBED: [35, 85346237],
  EVENT: [36, 5512315355, 4429313566, {}, ['Hello, world!'], { color: 'orange' }],
  EVENT_RECEIVED: [337, 4429313566],
  CALL: [48, 7814135, {}, 'com.myapp.user.new', ['johnny'], { firstname: 'John' }],
  CANCEL: [49, 7814135, { mode: 'kill' }],
  RESULT: [50, 7814135, {}, [30], { userid: 123 }],
  REGISTER: [64, 25349185, {}, 'com.myapp.myprocedure1'],
  REGISTERED: [65, 25349185, 2103333224],
  UNREGISTER: [66, 788923562, 2103333224],
  UNREGISTERED: [67, 788923562],
  INVOCATION: [68, 6131533, 9823529, {}, ['johnny'], { firstname: 'John' }],
  INTERRUPT: [69, 6131533, { mode: 'kill' }],
  YIELD: [70, 6131533, {}, ['Hello, world!'], { k: true }],
};

function violationOf(array: unknown): string {
  try {
    messageFromArray(array);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolViolation);
    return (e as Error).message;
  }
  fail(`no ProtocolViolation for ${JSON.stringify(array)}`);
  return '';
}

describe('messageFromArray / toArray', () => {
  it('covers every message type of the table', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(MESSAGE_TABLE).sort());
  });

  for (const name of Object.keys(SAMPLES) as MessageName[]) {
    const array = SAMPLES[name];
    it(`decodes ${name} (${String(array[0])}) and encodes it back`, () => {
      const msg = messageFromArray(array);
      expect(msg.name).toBe(name);
      expect(msg.code).toBe(MESSAGE_TABLE[name].code);
      const specs = MESSAGE_TABLE[name].fields;
      specs.forEach(([field], i) => {
        if (i + 1 < array.length) expect((msg.fields as Record<string, unknown>)[field]).toEqual(array[i + 1]);
      });
      expect(msg.toArray()).toEqual(array);
    });

    it(`rejects ${name} with too many fields`, () => {
      const max = MESSAGE_TABLE[name].fields.length;
      expect(violationOf([...array, {}, {}, {}].slice(0, max + 2))).toMatch(new RegExp(`^${name}: expected .* fields, got ${max + 1}$`));
    });
  }

  it('rejects missing fields with the expected arity', () => {
    expect(violationOf([48, 1, {}])).toBe('CALL: expected 3 to 5 fields, got 2');
    expect(violationOf([17, 1])).toBe('PUBLISHED: expected 2 fields, got 1');
    expect(violationOf([1])).toBe('HELLO: expected 2 fields, got 0');
  });

  it('rejects what is not a message', () => {
    expect(violationOf('hello')).toBe('a message must be a list, got string');
    expect(violationOf(null)).toBe('a message must be a list, got null');
    expect(violationOf([])).toBe('a message must start with an integer message code, got undefined');
    expect(violationOf(['48'])).toBe('a message must start with an integer message code, got string');
    expect(violationOf([48.5])).toBe('a message must start with an integer message code, got number');
    expect(violationOf([7, {}])).toBe('unknown message code 7');
    expect(violationOf([1000])).toBe('unknown message code 1000');
  });

  describe('field type errors', () => {
    it('URI fields', () => {
      expect(violationOf([48, 1, {}, 42])).toBe('CALL: field Procedure must be a URI string, got number 42');
      expect(violationOf([1, null, {}])).toBe('HELLO: field Realm must be a URI string, got null');
      expect(violationOf([16, 1, {}, ['t']])).toBe('PUBLISH: field Topic must be a URI string, got list');
      expect(violationOf([8, 48, 1, {}, {}])).toBe('ERROR: field Error must be a URI string, got object');
    });

    it('ID fields: integers in [1, 2^53]', () => {
      expect(violationOf([48, 0, {}, 'a.b'])).toBe('CALL: field Request must be an ID in [1, 2^53], got number 0');
      expect(violationOf([48, -1, {}, 'a.b'])).toBe('CALL: field Request must be an ID in [1, 2^53], got number -1');
      expect(violationOf([48, 1.5, {}, 'a.b'])).toBe('CALL: field Request must be an ID in [1, 2^53], got number');
      expect(violationOf([48, BIG + 2, {}, 'a.b'])).toBe(`CALL: field Request must be an ID in [1, 2^53], got number ${BIG + 2}`);
      expect(violationOf([48, '1', {}, 'a.b'])).toBe('CALL: field Request must be an ID in [1, 2^53], got string');
      expect(violationOf([2, true, {}])).toBe('WELCOME: field Session must be an ID in [1, 2^53], got boolean');
      expect(violationOf([17, 1, 0])).toBe('PUBLISHED: field Publication must be an ID in [1, 2^53], got number 0');
      expect((messageFromArray([48, BIG, {}, 'a.b']) as Message<'CALL'>).get('Request')).toBe(BIG);
    });

    it('dictionary fields', () => {
      expect(violationOf([48, 1, [], 'a.b'])).toBe('CALL: field Options must be a dictionary, got list');
      expect(violationOf([48, 1, null, 'a.b'])).toBe('CALL: field Options must be a dictionary, got null');
      expect(violationOf([1, 'realm1', 'x'])).toBe('HELLO: field Details must be a dictionary, got string');
      expect(violationOf([4, 'ticket', new Uint8Array(2)])).toBe('CHALLENGE: field Extra must be a dictionary, got bytes');
    });

    it('string fields', () => {
      expect(violationOf([4, 7, {}])).toBe('CHALLENGE: field AuthMethod must be a string, got number 7');
      expect(violationOf([5, null, {}])).toBe('AUTHENTICATE: field Signature must be a string, got null');
    });

    it('Arguments and ArgumentsKw', () => {
      expect(violationOf([48, 1, {}, 'a.b', { a: 1 }])).toBe('CALL: field Arguments must be a list, got object');
      expect(violationOf([48, 1, {}, 'a.b', 'x'])).toBe('CALL: field Arguments must be a list, got string');
      expect(violationOf([48, 1, {}, 'a.b', [], []])).toBe('CALL: field ArgumentsKw must be a dictionary, got list');
    });

    it('reads a null Arguments or ArgumentsKw as absent (fox-wamp sends RESULT and EVENT with nulls), and never writes one', () => {
      const result = messageFromArray([50, 1, {}, null, null]) as Message<'RESULT'>;
      expect('Arguments' in result.fields).toBeFalse();
      expect('ArgumentsKw' in result.fields).toBeFalse();
      expect(result.args).toEqual([]);
      expect(result.kwargs).toEqual({});
      expect(result.toArray()).toEqual([50, 1, {}]);
      const event = messageFromArray([36, 5, 6, {}, null, { k: 1 }]) as Message<'EVENT'>;
      expect(event.kwargs).toEqual({ k: 1 });
      expect(event.toArray()).toEqual([36, 5, 6, {}, [], { k: 1 }]);
      expect(messageFromArray([70, 1, {}, [1], null]).toArray()).toEqual([70, 1, {}, [1]]);
      expect(messageFromArray([8, 48, 1, {}, 'x.y', null, null]).toArray()).toEqual([8, 48, 1, {}, 'x.y']);
      // Untyped JavaScript may hand the encoder nulls: they never reach the wire.
      const fromJs = createMessage('RESULT', { 'CALL.Request': 1, Details: {}, Arguments: null as never, ArgumentsKw: null as never });
      expect(fromJs.toArray()).toEqual([50, 1, {}]);
      expect(createMessage('RESULT', { 'CALL.Request': 1, Details: {}, Arguments: null as never, ArgumentsKw: { a: 1 } }).toArray()).toEqual([50, 1, {}, [], { a: 1 }]);
    });

    it('still refuses a null where a field is required', () => {
      expect(violationOf([48, 1, null, 'a.b'])).toBe('CALL: field Options must be a dictionary, got null');
      expect(violationOf([50, null, {}])).toBe('RESULT: field CALL.Request must be an ID in [1, 2^53], got null');
    });

    it('ERROR REQUEST.Type must name a request message', () => {
      expect(violationOf([8, 50, 1, {}, 'x.y'])).toMatch(/^ERROR: field REQUEST\.Type must be the code of a request message .*, got number 50$/);
      expect(violationOf([8, '48', 1, {}, 'x.y'])).toMatch(/^ERROR: field REQUEST\.Type .*, got string$/);
      for (const t of [16, 32, 34, 48, 64, 66, 68]) expect((messageFromArray([8, t, 1, {}, 'x.y']) as Message<'ERROR'>).get('REQUEST.Type')).toBe(t);
    });

    it('known Details/Options keys of the wrong type', () => {
      expect(violationOf([16, 1, { acknowledge: 'yes' }, 't'])).toBe('PUBLISH: Options.acknowledge must be a boolean, got string');
      expect(violationOf([32, 1, { match: 'regex' }, 't'])).toBe('SUBSCRIBE: Options.match must be one of exact, prefix, wildcard, got string');
      expect(violationOf([48, 1, { timeout: -5 }, 'p'])).toBe('CALL: Options.timeout must be a non-negative integer, got number -5');
      expect(violationOf([16, 1, { exclude: [1, 'x'] }, 't'])).toBe('PUBLISH: Options.exclude must be a list of IDs, got an item string');
    });

    it('ignores unknown Details/Options keys', () => {
      expect(messageFromArray([48, 1, { x_custom: [1, 2], another: 'x' }, 'p']).auxiliary).toEqual({ x_custom: [1, 2], another: 'x' });
    });

    it('reads a null option or detail as one not given, in every message, and keeps refusing wrong non-null types', () => {
      // Wampy.js over MessagePack/CBOR: every option key it knows, undefined ones as nil.
      const subscribe = messageFromArray([32, 1, { match: null, get_retained: null }, 'a.b']) as Message<'SUBSCRIBE'>;
      expect(subscribe.fields.Options).toEqual({});
      expect(messageFromArray([32, 1, { match: 'prefix', get_retained: null }, 'a.']).auxiliary).toEqual({ match: 'prefix' });
      const withNulls: unknown[][] = [
        [1, 'realm1', { roles: { caller: {} }, authid: null, authmethods: null, authextra: null }],
        [2, 5, { roles: {}, authid: null, authrole: null }],
        [16, 1, { acknowledge: null, exclude_me: null, exclude: null, eligible: null, retain: null, disclose_me: null }, 't'],
        [36, 1, 2, { publisher: null, topic: null, retained: null, trustlevel: null }],
        [48, 1, { receive_progress: null, timeout: null, disclose_me: null, x_custom: null }, 'p'],
        [49, 1, { mode: null }],
        [50, 1, { progress: null }],
        [64, 1, { match: null, invoke: null, disclose_caller: null, concurrency: null }, 'p'],
        [68, 1, 2, { caller: null, procedure: null, receive_progress: null, timeout: null }],
        [69, 1, { mode: null, reason: null }],
        [70, 1, { progress: null }],
        [8, 48, 1, { ppt_scheme: null, enc_algo: null }, 'x.y'],
        [3, { message: null }, 'wamp.error.no_such_realm'],
        [6, { message: null }, 'wamp.close.normal'],
      ];
      for (const array of withNulls) {
        const message = messageFromArray(array);
        const dict = message.auxiliary!;
        expect(Object.values(dict).includes(null)).withContext(message.name).toBeFalse();
        expect(JSON.stringify(message.toArray())).withContext(message.name).not.toContain('null');
      }
      expect(violationOf([32, 1, { match: 'regex', get_retained: null }, 't'])).toBe('SUBSCRIBE: Options.match must be one of exact, prefix, wildcard, got string');
      expect(violationOf([32, 1, { match: null, get_retained: 1 }, 't'])).toBe('SUBSCRIBE: Options.get_retained must be a boolean, got number 1');
      expect(violationOf([48, 1, { receive_progress: 'yes' }, 'p'])).toBe('CALL: Options.receive_progress must be a boolean, got string');
    });
  });

  describe('revocation forms', () => {
    it('UNSUBSCRIBED [35, 0, Details]', () => {
      const msg = messageFromArray([35, 0, { subscription: 5512315355, reason: 'wamp.close.killed' }]) as Message<'UNSUBSCRIBED'>;
      expect(msg.name).toBe('UNSUBSCRIBED');
      expect(msg.get('UNSUBSCRIBE.Request')).toBe(0);
      expect(msg.details).toEqual({ subscription: 5512315355, reason: 'wamp.close.killed' });
      expect(msg.toArray()).toEqual([35, 0, { subscription: 5512315355, reason: 'wamp.close.killed' }]);
    });

    it('UNREGISTERED [67, 0, Details]', () => {
      const msg = messageFromArray([67, 0, { registration: 2103333224, reason: 'wamp.close.killed' }]);
      expect(msg.name).toBe('UNREGISTERED');
      expect(msg.toArray()).toEqual([67, 0, { registration: 2103333224, reason: 'wamp.close.killed' }]);
    });

    it('the ordinary forms still decode, with or without Details', () => {
      expect(messageFromArray([35, 85346237]).toArray()).toEqual([35, 85346237]);
      expect(messageFromArray([67, 788923562, {}]).toArray()).toEqual([67, 788923562, {}]);
    });

    it('a revocation without Details is rejected', () => {
      expect(violationOf([35, 0])).toBe('UNSUBSCRIBED: a revocation (request 0) must carry Details');
      expect(violationOf([67, 0])).toBe('UNREGISTERED: a revocation (request 0) must carry Details');
    });

    it('0 is not an ID anywhere else', () => {
      expect(violationOf([34, 0, 1])).toBe('UNSUBSCRIBE: field Request must be an ID in [1, 2^53], got number 0');
      expect(violationOf([35, -1])).toMatch(/^UNSUBSCRIBED: field UNSUBSCRIBE\.Request must be an ID .*\(or 0 for a revocation\), got number -1$/);
    });
  });

  describe('encoding leaves empty trailing Arguments/ArgumentsKw off', () => {
    it('no Arguments, no ArgumentsKw', () => {
      expect(createMessage('CALL', { Request: 1, Options: {}, Procedure: 'p' }).toArray()).toEqual([48, 1, {}, 'p']);
      expect(createMessage('CALL', { Request: 1, Options: {}, Procedure: 'p', Arguments: [], ArgumentsKw: {} }).toArray()).toEqual([48, 1, {}, 'p']);
    });

    it('Arguments only', () => {
      expect(createMessage('RESULT', { 'CALL.Request': 1, Details: {}, Arguments: [1], ArgumentsKw: {} }).toArray()).toEqual([50, 1, {}, [1]]);
    });

    it('ArgumentsKw only: an empty Arguments list stands before it', () => {
      expect(createMessage('EVENT', { Subscription: 1, Publication: 2, Details: {}, ArgumentsKw: { a: 1 } }).toArray()).toEqual([
        36,
        1,
        2,
        {},
        [],
        { a: 1 },
      ]);
    });

    it('decoded empty trailing fields are dropped on re-encoding', () => {
      expect(messageFromArray([70, 1, {}, [], {}]).toArray()).toEqual([70, 1, {}]);
      expect(messageFromArray([3, {}, 'wamp.close.x', []]).toArray()).toEqual([3, {}, 'wamp.close.x']);
    });

    it('optional Details of UNSUBSCRIBED left off when absent', () => {
      expect(createMessage('UNSUBSCRIBED', { 'UNSUBSCRIBE.Request': 3 }).toArray()).toEqual([35, 3]);
    });

    it('a required field missing (untyped JavaScript) keeps its place: later fields are not shifted into it', () => {
      expect(createMessage('PUBLISH', { Request: 1, Topic: 'a.b' } as never).toArray()).toEqual([16, 1, undefined, 'a.b']);
    });
  });

  describe('payload passthru', () => {
    it('carries a transparent payload in place of Arguments', () => {
      const bytes = new Uint8Array([1, 2, 3]);
      const msg = messageFromArray([48, 1, { ppt_scheme: 'x_custom' }, 'p', bytes]);
      expect(msg.payload).toBe(bytes);
      expect(msg.args).toEqual([]);
      expect(msg.toArray()).toEqual([48, 1, { ppt_scheme: 'x_custom' }, 'p', bytes]);
    });

    it('refuses a payload without ppt_scheme or enc_algo', () => {
      expect(violationOf([48, 1, {}, 'p', new Uint8Array(1)])).toBe('CALL: field Arguments must be a list, got bytes');
    });

    it('takes enc_algo alone as the mark of a transparent payload, bytes or string', () => {
      const bytes = new Uint8Array([4, 5]);
      const encrypted = messageFromArray([16, 1, { enc_algo: 'cryptobox' }, 't', bytes]);
      expect(encrypted.payload).toBe(bytes);
      expect(encrypted.toArray()).toEqual([16, 1, { enc_algo: 'cryptobox' }, 't', bytes]);
      // Over JSON a binary payload travels as a string.
      const text = messageFromArray([50, 1, { ppt_scheme: 'mqtt' }, 'AQID']);
      expect(text.payload).toBe('AQID');
      expect(text.toArray()).toEqual([50, 1, { ppt_scheme: 'mqtt' }, 'AQID']);
    });

    it('refuses a transparent payload followed by ArgumentsKw: the payload must be the last field', () => {
      expect(violationOf([48, 1, { ppt_scheme: 'x_custom' }, 'p', new Uint8Array(1), {}])).toBe('CALL: field Arguments must be a list, got bytes');
      expect(violationOf([48, 1, { enc_algo: 'cryptobox' }, 'p', 'payload', { a: 1 }])).toBe('CALL: field Arguments must be a list, got string');
    });
  });
});

describe('Message accessors', () => {
  it('get() reads a field by its specification name', () => {
    const hello = messageFromArray([1, 'realm1', { agent: 'x' }]) as Message<'HELLO'>;
    expect(hello.get('Realm')).toBe('realm1');
    expect(hello.get('Details')).toEqual({ agent: 'x' });
    const call = createMessage('CALL', { Request: 7814135, Options: {}, Procedure: 'com.myapp.myprocedure1', Arguments: ['Hello, world!'] });
    expect(call.get('Procedure')).toBe('com.myapp.myprocedure1');
    expect(call.get('Request')).toBe(7814135);
    expect(call.get('ArgumentsKw')).toBeUndefined();
  });

  it('narrows on code', () => {
    const msg = messageFromArray([48, 1, {}, 'a.b']);
    if (msg.code === 48) expect(msg.fields.Procedure).toBe('a.b');
    else fail('not a CALL');
  });

  it('auxiliary is the Details, Options or Extra dictionary', () => {
    const event = messageFromArray([36, 1, 2, { publisher: 3 }]);
    expect(event.auxiliary).toEqual({ publisher: 3 });
    expect(event.details).toBe(event.auxiliary);
    const call = messageFromArray([48, 1, { timeout: 10 }, 'p']);
    expect(call.auxiliary).toEqual({ timeout: 10 });
    expect(call.options).toBe(call.auxiliary);
    expect(messageFromArray([4, 'ticket', { a: 1 }]).auxiliary).toEqual({ a: 1 });
    expect(messageFromArray([17, 1, 2]).auxiliary).toBeUndefined();
  });

  it('args and kwargs default to empty', () => {
    const msg = messageFromArray([48, 1, {}, 'p']);
    expect(msg.args).toEqual([]);
    expect(msg.kwargs).toEqual({});
    const full = messageFromArray([48, 1, {}, 'p', [1, 'two'], { three: 3 }]);
    expect(full.args).toEqual([1, 'two']);
    expect(full.kwargs).toEqual({ three: 3 });
  });

  it('publisherWantsAcknowledgement() on PUBLISH', () => {
    const pub = (options: object) => createMessage('PUBLISH', { Request: 1, Options: { ...options }, Topic: 't' });
    expect(pub({}).publisherWantsAcknowledgement()).toBeFalse();
    expect(pub({ acknowledge: true }).publisherWantsAcknowledgement()).toBeTrue();
    expect(pub({ acknowledge: false }).publisherWantsAcknowledgement()).toBeFalse();
  });

  it('publisherWantsToBeExcluded() on PUBLISH (exclude_me defaults to true)', () => {
    const pub = (options: object) => createMessage('PUBLISH', { Request: 1, Options: { ...options }, Topic: 't' });
    expect(pub({}).publisherWantsToBeExcluded()).toBeTrue();
    expect(pub({ exclude_me: true }).publisherWantsToBeExcluded()).toBeTrue();
    expect(pub({ exclude_me: false }).publisherWantsToBeExcluded()).toBeFalse();
  });

  it('callerCanReceiveProgress() on CALL and INVOCATION', () => {
    expect(createMessage('CALL', { Request: 1, Options: { receive_progress: true }, Procedure: 'p' }).callerCanReceiveProgress()).toBeTrue();
    expect(createMessage('CALL', { Request: 1, Options: {}, Procedure: 'p' }).callerCanReceiveProgress()).toBeFalse();
    expect(createMessage('INVOCATION', { Request: 1, Registration: 2, Details: { receive_progress: true } }).callerCanReceiveProgress()).toBeTrue();
    expect(createMessage('INVOCATION', { Request: 1, Registration: 2, Details: {} }).callerCanReceiveProgress()).toBeFalse();
  });

  it('isProgress() on RESULT and YIELD', () => {
    expect(createMessage('RESULT', { 'CALL.Request': 1, Details: { progress: true } }).isProgress()).toBeTrue();
    expect(createMessage('RESULT', { 'CALL.Request': 1, Details: {} }).isProgress()).toBeFalse();
    expect(createMessage('YIELD', { 'INVOCATION.Request': 1, Options: { progress: true } }).isProgress()).toBeTrue();
    expect(createMessage('YIELD', { 'INVOCATION.Request': 1, Options: { progress: false } }).isProgress()).toBeFalse();
  });
});
