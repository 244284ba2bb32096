// Karma: the browser specs (spec/browser/**/*.spec.ts) in headless Chromium, each bundled
// by esbuild in memory (spec/browser/support/esbuild-preprocessor.ts), against a real
// rxwamp router that this config starts for the length of the run.
import { tsImport } from 'tsx/esm/api';
import { build } from 'esbuild';

/** The path the browser specs POST to for the router to drop every connection. */
const DROP_PATH = '/rxwamp-test/drop';

/** @param {import('karma').Config} config */
export default async function karmaConfig(config) {
  // Debian's package; karma-chrome-launcher gives each run a fresh --user-data-dir.
  process.env.CHROME_BIN ??= '/usr/bin/chromium';
  /** @type {import('./spec/browser/support/test-router.ts')} */
  const { startTestRouter } = await tsImport('./spec/browser/support/test-router.ts', import.meta.url);
  /** @type {import('./spec/browser/support/esbuild-preprocessor.ts')} */
  const { esbuildPreprocessor } = await tsImport('./spec/browser/support/esbuild-preprocessor.ts', import.meta.url);
  /** @type {import('./spec/support/chromium-flags.ts')} */
  const { CHROMIUM_FLAGS } = await tsImport('./spec/support/chromium-flags.ts', import.meta.url);
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

  /**
   * `GET /rxwamp-test/bundle/<path>.js`: `<path>.ts` (under examples/ or spec/browser/)
   * bundled on request, for the specs that start a Web Worker from it.
   */
  function bundleMiddleware() {
    return (request, response, next) => {
      const match = /^\/rxwamp-test\/bundle\/((?:examples|spec\/browser)\/[\w\-/.]+)\.js$/.exec(request.url ?? '');
      if (match === null || match[1].includes('..')) return next();
      build({ entryPoints: [`${match[1]}.ts`], bundle: true, format: 'esm', target: 'es2022', platform: 'browser', write: false, logLevel: 'silent' }).then(
        (result) => {
          response.setHeader('Content-Type', 'text/javascript');
          response.end(result.outputFiles[0].contents);
        },
        (error) => {
          response.statusCode = 500;
          response.end(String(error));
        },
      );
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
      {
        'preprocessor:esbuild': [
          'factory',
          // Each spec file is its own entry point, so "sideEffects": false in package.json
          // cannot drop it from the bundle.
          esbuildPreprocessor({ target: 'es2022', format: 'esm', define: { 'process.env.NODE_ENV': JSON.stringify('development') } }),
        ],
        'framework:rxwamp-router': ['factory', routerLifetime],
        'middleware:rxwamp-drop': ['factory', dropMiddleware],
        'middleware:rxwamp-bundle': ['factory', bundleMiddleware],
        'reporter:counts': ['type', countsReporter],
      },
    ],
    files: [{ pattern: 'spec/browser/**/*.spec.ts', watched: false, type: 'module' }],
    preprocessors: { 'spec/browser/**/*.spec.ts': ['esbuild'] },
    beforeMiddleware: ['rxwamp-drop', 'rxwamp-bundle'],
    client: {
      // The browser reads the router URL from __karma__.config.args[0].
      args: [router.url],
      jasmine: { random: true, timeoutInterval: 15000, failSpecWithNoExpectations: true },
      clearContext: false,
    },
    browsers: ['ChromiumHeadlessCI'],
    customLaunchers: {
      ChromiumHeadlessCI: { base: 'Chrome', flags: ['--headless', ...CHROMIUM_FLAGS] },
    },
    // dots outside a terminal: progress would print a line per spec into CI logs.
    reporters: process.stdout.isTTY ? ['progress', 'counts'] : ['dots', 'counts'],
    singleRun: true,
    // A run in which no spec executed (say, a spec file that loads nothing) fails.
    failOnEmptyTestSuite: true,
    autoWatch: false,
    browserNoActivityTimeout: 60000,
    captureTimeout: 60000,
    logLevel: config.LOG_INFO,
  });
}
