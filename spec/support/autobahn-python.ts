import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's python3-autobahn (a Twisted Component: its asyncio RawSocket client cannot
 * open a session in 22.7.1) as a peer: it joins, registers
 * `com.py.mul`, subscribes `com.example.news`, calls `com.example.roundtrip` (which the
 * spec's own client answers by calling `com.py.mul` and publishing the product), publishes
 * on `com.example.from_py`, prints what it saw as `key value` lines, and leaves.
 * Debian's python3 is /usr/bin/python3 (the pyenv `python3` on PATH has no autobahn).
 */
const SCRIPT = String.raw`
import json, sys
from twisted.internet import defer, ssl
from twisted.internet.task import react
from autobahn.twisted.component import Component
from autobahn.wamp.types import PublishOptions

config = json.loads(sys.argv[1])
host, port = config['host'], config['port']
trust = ssl.Certificate.loadPEM(open(config['cafile'], 'rb').read())
transport = {
    'type': config['kind'],
    'url': config['url'],
    'endpoint': {'type': 'tcp', 'host': host, 'port': port, 'tls': ssl.optionsForClientTLS(host, trustRoot=trust)},
    'max_retries': 0,
}
if config['kind'] == 'websocket':
    transport['serializers'] = [config['serializer']]
else:
    transport['serializer'] = config['serializer']
authentication = None
if config.get('privkey'):
    extra = {'channel_binding': config['channel_binding']} if config.get('channel_binding') else {}
    authentication = {'cryptosign': {'privkey': config['privkey'], 'authid': config['authid'], 'authextra': extra}}
component = Component(transports=[transport], realm=config['realm'], authentication=authentication)

def out(key, value):
    print(key, json.dumps(value), flush=True)

@component.on_join
async def joined(session, details):
    try:
        out('joined', {'authid': details.authid, 'authrole': details.authrole, 'authmethod': details.authmethod, 'authextra': details.authextra})
        await session.register(lambda a, b: a * b, 'com.py.mul')
        news = defer.Deferred()
        await session.subscribe(lambda value: news.called or news.callback(value), 'com.example.news')
        out('call', await session.call('com.example.roundtrip', 6, 7))
        out('event', await news)
        await session.publish('com.example.from_py', 'hello from python', options=PublishOptions(acknowledge=True))
        out('published', True)
    except Exception as error:
        out('error', repr(error))
    session.leave()

@component.on_leave
def left(session, details):
    out('left', details.reason)

@component.on_connectfailure
def failed(component, error):
    out('connectfailure', repr(error))

def main(reactor):
    done = component.start(reactor)
    done.addErrback(lambda failure: out('failed', failure.getErrorMessage()))
    return done

react(main)
`;

/** What an Autobahn|Python run printed: `key → parsed JSON value`, and its stderr. */
export interface AutobahnPythonRun {
  readonly code: number | null;
  readonly output: Map<string, unknown>;
  readonly stdout: string;
  readonly stderr: string;
}

/** How Autobahn|Python connects. */
export interface AutobahnPythonTarget {
  readonly kind: 'websocket' | 'rawsocket';
  /** `wss://127.0.0.1:port/ws` or `rss://127.0.0.1:port` (Autobahn wants `rs://`: the TLS comes from `tls`). */
  readonly url: string;
  readonly serializer: 'json' | 'msgpack' | 'cbor';
  /** The CA file that signed the router's certificate. */
  readonly cafile: string;
  readonly realm?: string;
  /** Cryptosign instead of anonymous. */
  readonly privkey?: string;
  readonly authid?: string;
  readonly channel_binding?: 'tls-unique';
}

/** Runs Autobahn|Python against a router and resolves once it has left (or failed). */
export function runAutobahnPython(target: AutobahnPythonTarget): Promise<AutobahnPythonRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rxwamp-autobahn-py-'));
  const file = join(dir, 'peer.py');
  writeFileSync(file, SCRIPT);
  const url = new URL(target.url);
  // Autobahn parses rs:// (with the TLS from the endpoint); wss:// it takes as it is.
  const config = {
    ...target,
    realm: target.realm ?? 'realm1',
    url: target.kind === 'rawsocket' ? target.url.replace(/^rss:/, 'rs:') : target.url,
    host: url.hostname,
    port: Number(url.port),
  };
  return new Promise((resolve) => {
    execFile('/usr/bin/python3', [file, JSON.stringify(config)], { timeout: 45_000 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      const output = new Map<string, unknown>();
      for (const line of stdout.split('\n')) {
        const space = line.indexOf(' ');
        if (space > 0) output.set(line.slice(0, space), JSON.parse(line.slice(space + 1)) as unknown);
      }
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output, stdout, stderr });
    });
  });
}
