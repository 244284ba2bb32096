import { isReservedUri, isValidPattern, isValidUri, uriMatches } from '../../src/protocol/uri.js';

describe('URI rules', () => {
  describe('loose (the default)', () => {
    it('accepts dotted components of anything but whitespace, "." and "#"', () => {
      for (const uri of ['com.myapp.mytopic1', 'a', 'com.myapp.MyTopic', 'com.myapp.my-topic', 'com.myapp.topic$1', 'com.myapp.ünïcode']) {
        expect(isValidUri(uri)).withContext(uri).toBeTrue();
      }
    });

    it('rejects empty components, whitespace and "#"', () => {
      for (const uri of ['', '.', 'com..myapp', '.com.myapp', 'com.myapp.', 'com.my app', 'com.my\tapp', 'com.myapp.mytopic#1', 'com.myapp.\n']) {
        expect(isValidUri(uri)).withContext(JSON.stringify(uri)).toBeFalse();
      }
    });
  });

  describe('strict', () => {
    it('accepts only [0-9a-z_] in components', () => {
      for (const uri of ['com.myapp.mytopic1', 'com.my_app.topic_2', 'wamp.error.no_such_procedure', '0.1']) {
        expect(isValidUri(uri, { strict: true })).withContext(uri).toBeTrue();
      }
      for (const uri of ['com.myapp.MyTopic', 'com.my-app.topic', 'com.myapp.topic$1', 'com..myapp', 'com.myapp.', '']) {
        expect(isValidUri(uri, { strict: true })).withContext(uri).toBeFalse();
      }
    });
  });

  describe('with empty components', () => {
    it('loose: allows empty components but still no whitespace or "#"', () => {
      for (const uri of ['com..myapp', 'com.myapp.', '.com', '..', '', 'com.My-App..x']) {
        expect(isValidUri(uri, { allowEmptyComponents: true })).withContext(JSON.stringify(uri)).toBeTrue();
      }
      for (const uri of ['com. .x', 'com..my app', 'com.#.x']) {
        expect(isValidUri(uri, { allowEmptyComponents: true })).withContext(uri).toBeFalse();
      }
    });

    it('strict: allows empty components of [0-9a-z_] URIs only', () => {
      expect(isValidUri('com..myapp', { strict: true, allowEmptyComponents: true })).toBeTrue();
      expect(isValidUri('a1.b2..d4.e5', { strict: true, allowEmptyComponents: true })).toBeTrue();
      expect(isValidUri('com..MyApp', { strict: true, allowEmptyComponents: true })).toBeFalse();
      // A prefix pattern may end in an empty component, or be empty.
      expect(isValidUri('com.myapp.', { strict: true, allowEmptyComponents: true })).toBeTrue();
      expect(isValidUri('', { strict: true, allowEmptyComponents: true })).toBeTrue();
    });
  });

  describe('patterns', () => {
    it('exact patterns are ordinary URIs', () => {
      expect(isValidPattern('com.myapp.topic', 'exact')).toBeTrue();
      expect(isValidPattern('com..topic', 'exact')).toBeFalse();
      // Loose unless asked for strict, which exact patterns honour too.
      expect(isValidPattern('com.MyApp.topic', 'exact')).toBeTrue();
      expect(isValidPattern('com.MyApp.topic', 'exact', true)).toBeFalse();
      expect(isValidPattern('com.MyApp.', 'prefix')).toBeTrue();
    });

    it('prefix and wildcard patterns may have empty components', () => {
      expect(isValidPattern('com.myapp.', 'prefix')).toBeTrue();
      expect(isValidPattern('', 'prefix')).toBeTrue();
      expect(isValidPattern('com.myapp..create', 'wildcard')).toBeTrue();
      expect(isValidPattern('com.myapp..Create', 'wildcard', true)).toBeFalse();
      expect(isValidPattern('com.my app..create', 'wildcard')).toBeFalse();
    });
  });

  it('wamp. is reserved', () => {
    expect(isReservedUri('wamp.session.on_join')).toBeTrue();
    expect(isReservedUri('wamp.error.canceled')).toBeTrue();
    expect(isReservedUri('com.wamp.x')).toBeFalse();
    expect(isReservedUri('wampx.y')).toBeFalse();
  });
});

describe('uriMatches', () => {
  it('exact: only the same URI', () => {
    expect(uriMatches('com.myapp.topic', 'exact', 'com.myapp.topic')).toBeTrue();
    expect(uriMatches('com.myapp.topic', 'exact', 'com.myapp.topic.x')).toBeFalse();
    // An empty component is no wildcard in an exact pattern.
    expect(uriMatches('com..topic', 'exact', 'com.myapp.topic')).toBeFalse();
  });

  it('prefix: by characters, as in the spec example', () => {
    expect(uriMatches('com.myapp.topic.emergency', 'prefix', 'com.myapp.topic.emergency')).toBeTrue();
    expect(uriMatches('com.myapp.topic.emergency', 'prefix', 'com.myapp.topic.emergency.11')).toBeTrue();
    expect(uriMatches('com.myapp.topic.emergency', 'prefix', 'com.myapp.topic.emergency-low')).toBeTrue();
    expect(uriMatches('com.myapp.topic.emergency', 'prefix', 'com.myapp.topic.emerge')).toBeFalse();
    expect(uriMatches('com.myapp.topic.emergency', 'prefix', 'com.myapp.topic.alert')).toBeFalse();
    expect(uriMatches('', 'prefix', 'anything.at.all')).toBeTrue();
  });

  it('wildcard: an empty component matches any one component, same count only', () => {
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.foo.userevent')).toBeTrue();
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.bar.userevent')).toBeTrue();
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.a12.userevent')).toBeTrue();
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.foo.bar.userevent')).toBeFalse();
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.userevent')).toBeFalse();
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.foo.usernotify')).toBeFalse();
    expect(uriMatches('..', 'wildcard', 'a.b.c')).toBeTrue();
    // A pattern matching the first components of a longer URI is no match.
    expect(uriMatches('com.myapp', 'wildcard', 'com.myapp.topic')).toBeFalse();
  });
});
