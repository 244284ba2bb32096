// Karma: the browser specs (spec/browser/**/*.spec.ts) in headless Chromium, bundled by
// esbuild, against a real rxwamp router that this config starts for the length of the run.
import { tsImport } from 'tsx/esm/api';

/** Chromium flags for a headless run as root on a CI machine without a network. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The path the browser specs POST to for the router to drop every connection. */
const DROP_PATH = '/rxwamp-test/drop';

/** @param {import('karma').Config} config */
export default async function karmaConfig(config) {
  // Debian's package; karma-chrome-launcher gives each run a fresh --user-data-dir.
  process.env.CHROME_BIN ??= '/usr/bin/chromium';
  /** @type {import('./spec/browser/support/test-router.ts')} */
  const { startTestRouter } = await tsImport('./spec/browser/support/test-router.ts', import.meta.url);
  const router = await startTestRouter();

  /** Closes the router when karma exits. */
  function routerLifetime(emitter) {
    emitter.on('exit', (done) => {
      router.close().then(done, done);
    });
  }
  routerLifetime.$inject = ['emitter'];

  /** `POST /rxwamp-test/drop`: the router fails every open connection. */
  function dropMiddleware() {
    return (request, response, next) => {
      if (request.url !== DROP_PATH) return next();
      const dropped = router.dropConnections();
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ dropped }));
    };
  }

  /** Prints the browser's spec counts as a plain closing line, e.g. `browser: 30 passed, 0 failed, 1 skipped`. */
  function countsReporter(baseReporterDecorator) {
    baseReporterDecorator(this);
    const counts = { passed: 0, failed: 0, skipped: 0 };
    this.onSpecComplete = (_browser, result) => {
      if (result.skipped || result.pending) counts.skipped++;
      else if (result.success) counts.passed++;
      else counts.failed++;
    };
    this.onRunComplete = (_browsers, results) => {
      const errors = results.error ? ' (the browser run reported an error)' : '';
      this.write(`browser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${errors}\n`);
    };
  }
  countsReporter.$inject = ['baseReporterDecorator'];

  config.set({
    frameworks: ['jasmine', 'rxwamp-router'],
    plugins: [
      'karma-jasmine',
      'karma-chrome-launcher',
      'karma-esbuild',
      {
        'framework:rxwamp-router': ['factory', routerLifetime],
        'middleware:rxwamp-drop': ['factory', dropMiddleware],
        'reporter:counts': ['type', countsReporter],
      },
    ],
    files: [{ pattern: 'spec/browser/**/*.spec.ts', watched: false }],
    preprocessors: { 'spec/browser/**/*.spec.ts': ['esbuild'] },
    beforeMiddleware: ['rxwamp-drop'],
    esbuild: {
      target: 'es2022',
      format: 'esm',
      sourcemap: true,
      singleBundle: true,
      // package.json says "sideEffects": false (true of the library); the spec files are
      // imported only for their side effects, so the bundle must not drop them.
      ignoreAnnotations: true,
    },
    client: {
      // The browser reads the router URL from __karma__.config.args[0].
      args: [router.url],
      jasmine: { random: true, timeoutInterval: 15000, failSpecWithNoExpectations: true },
      clearContext: false,
    },
    browsers: ['ChromiumHeadlessCI'],
    customLaunchers: {
      ChromiumHeadlessCI: { base: 'Chrome', flags: CHROMIUM_FLAGS },
    },
    // dots outside a terminal: progress would print a line per spec into CI logs.
    reporters: process.stdout.isTTY ? ['progress', 'counts'] : ['dots', 'counts'],
    singleRun: true,
    autoWatch: false,
    browserNoActivityTimeout: 60000,
    captureTimeout: 60000,
    logLevel: config.LOG_INFO,
  });
}
