import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadRouterConfig, parseRouterConfig } from '../../src/node/router-config.js';

describe('listener tls config', () => {
  it('takes cert, key and an optional ca, and names what is wrong', () => {
    const ok = parseRouterConfig({ listeners: { websocket: { port: 0, tls: { cert: 'c.pem', key: 'k.pem' } }, rawsocket: { port: 0, tls: { cert: 'c.pem', key: 'k.pem', ca: 'ca.pem' } } } });
    expect(ok.listeners?.rawsocket?.tls?.ca).toBe('ca.pem');
    expect(() => parseRouterConfig({ listeners: { websocket: { port: 0, tls: { cert: 'c.pem' } } } })).toThrowError(ConfigError, /listeners\.websocket\.tls\.key/);
    expect(() => parseRouterConfig({ listeners: { rawsocket: { port: 0, tls: 'yes' } } })).toThrowError(ConfigError, /listeners\.rawsocket\.tls must be an object/);
    expect(() => parseRouterConfig({ listeners: { rawsocket: { port: 0, tls: { cert: 'c', key: 'k', ca: 3 } } } })).toThrowError(ConfigError, /tls\.ca/);
  });

  it('reads TLS file paths in a config file relative to the file, as Crossbar does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxwamp-config-'));
    try {
      writeFileSync(join(dir, 'router.json'), JSON.stringify({ listeners: { websocket: { port: 0, tls: { cert: 'tls/cert.pem', key: '/etc/key.pem', ca: 'ca.pem' } } } }));
      const config = await loadRouterConfig(join(dir, 'router.json'));
      expect(config.listeners?.websocket?.tls).toEqual({ cert: join(dir, 'tls', 'cert.pem'), key: '/etc/key.pem', ca: join(dir, 'ca.pem') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
