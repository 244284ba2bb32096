import { optionsKey, wireOptions } from '../../../src/session/roles/options-key.js';

describe('options keys', () => {
  it('optionsKey is the same for the same options in any order, ignores undefined entries, and differs otherwise', () => {
    expect(optionsKey({ match: 'prefix', get_retained: true })).toBe(optionsKey({ get_retained: true, match: 'prefix', x: undefined }));
    expect(optionsKey({ match: 'prefix', get_retained: true })).toBe('get_retained=true;match="prefix";');
    expect(optionsKey({})).toBe('');
    expect(optionsKey({ match: 'prefix' })).not.toBe(optionsKey({ match: 'wildcard' }));
  });

  it('wireOptions drops undefined entries and the client-only ones', () => {
    expect(wireOptions({ match: 'prefix', timeout: undefined, retry: 3 }, ['retry'])).toEqual({ match: 'prefix' });
    expect(wireOptions({ match: 'prefix', retry: 3 })).toEqual({ match: 'prefix', retry: 3 });
    // Without a client-only list, any non-nil key goes out, whatever its name.
    const odd = { '': 1, 'Stryker was here': 2, 'x.custom': { nested: null } };
    expect(wireOptions({ ...odd, gone: null })).toEqual(odd);
  });
});
