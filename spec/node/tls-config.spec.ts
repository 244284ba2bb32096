import { ConfigError, parseRouterConfig } from '../../src/node/router-config.js';

describe('listener tls config', () => {
  it('takes cert, key and an optional ca, and names what is wrong', () => {
    const ok = parseRouterConfig({ listeners: { websocket: { port: 0, tls: { cert: 'c.pem', key: 'k.pem' } }, rawsocket: { port: 0, tls: { cert: 'c.pem', key: 'k.pem', ca: 'ca.pem' } } } });
    expect(ok.listeners?.rawsocket?.tls?.ca).toBe('ca.pem');
    expect(() => parseRouterConfig({ listeners: { websocket: { port: 0, tls: { cert: 'c.pem' } } } })).toThrowError(ConfigError, /listeners\.websocket\.tls\.key/);
    expect(() => parseRouterConfig({ listeners: { rawsocket: { port: 0, tls: 'yes' } } })).toThrowError(ConfigError, /listeners\.rawsocket\.tls must be an object/);
    expect(() => parseRouterConfig({ listeners: { rawsocket: { port: 0, tls: { cert: 'c', key: 'k', ca: 3 } } } })).toThrowError(ConfigError, /tls\.ca/);
  });
});
