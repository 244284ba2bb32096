import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT = 30_000;

/** Runs `examples/<name>.ts` as a user would (`npx tsx examples/<name>.ts`): exit code and output lines. */
function runExample(name: string): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env['PORT'];
    delete env['KEEP'];
    execFile(process.execPath, ['--import', 'tsx', join('examples', `${name}.ts`)], { cwd: root, env, timeout: TIMEOUT - 5_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stderr, lines: stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '') });
    });
  });
}

describe('the examples of WAMP on the application’s own server', () => {
  it(
    'express-app.ts: REST routes and WAMP on one port; a REST route answers with a WAMP call',
    async () => {
      const run = await runExample('express-app');
      expect(run.code).withContext(run.stderr).toBe(0);
      expect(run.lines[0]).toMatch(/^express: http:\/\/127\.0\.0\.1:(\d+)\/api\/…, WAMP on ws:\/\/127\.0\.0\.1:\1\/ws$/);
      expect(run.lines.slice(1)).toEqual([
        'GET /api/health -> {"ok":true,"wamp":true}',
        'GET /api/add?a=2&b=3 -> {"sum":5} (computed by a WAMP callee)',
        "GET /no/such/route -> 404 (Express's own 404)",
        'express: closed',
      ]);
    },
    TIMEOUT,
  );

  it(
    'http-server.ts: a plain Node http server’s page and WAMP on one port',
    async () => {
      const run = await runExample('http-server');
      expect(run.code).withContext(run.stderr).toBe(0);
      expect(run.lines[0]).toMatch(/^http: http:\/\/127\.0\.0\.1:(\d+)\/, WAMP on ws:\/\/127\.0\.0\.1:\1\/ws$/);
      expect(run.lines.slice(1)).toEqual(['GET / -> 200 hello from the app; WAMP is on /ws', 'wamp: session joined, wamp.session.count = 1', 'http: closed']);
    },
    TIMEOUT,
  );
});
