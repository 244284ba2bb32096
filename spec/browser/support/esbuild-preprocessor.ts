/**
 * The karma preprocessor that bundles each browser spec file with esbuild, in memory,
 * starting from the spec file itself (karma.conf.js registers it).
 *
 * Why not karma-esbuild: its single-bundle mode writes an entry file into os.tmpdir() that
 * imports every spec by a path relative to that directory, without `./`. For a checkout
 * under the temp directory (/tmp/x/rxwamp) that path, `x/rxwamp/spec/…`, resolves as a
 * package name, the bundle fails and the browser runs no specs. Bundling from the spec
 * file needs no file outside the checkout, so where the checkout lives does not matter.
 */
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions, Message, OutputFile } from 'esbuild';

/** The part of a karma file object this preprocessor reads and rewrites. */
interface KarmaFile {
  readonly originalPath: string;
  path: string;
  sourceMap?: SourceMap;
}

/** A version 3 source map, with the sources made absolute so karma's reporter maps stack traces to them. */
interface SourceMap {
  version: number;
  file?: string;
  sources: string[];
  [key: string]: unknown;
}

/** karma's logger service, as much as is used here. */
interface KarmaLogger {
  create(name: string): { warn(message: string): void };
}

/** karma's preprocessor contract: call `done` with the new content, or with an error to fail the run. */
type Preprocess = (content: string, file: KarmaFile, done: (error: Error | null, content?: string) => void) => void;

/** The options the preprocessor fixes; the caller chooses target, format, loaders and the like. */
const FIXED = { bundle: true, write: false, platform: 'browser', sourcemap: 'external', logLevel: 'silent' } as const;

/** Formats esbuild diagnostics as `file:line:column: text` lines. */
function formatMessages(messages: readonly Message[]): string {
  return messages
    .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text))
    .join('\n');
}

/** The output whose path ends in `suffix`; esbuild writes exactly one `.js` and one `.js.map` here. */
function output(files: readonly OutputFile[], suffix: string): OutputFile {
  const found = files.find((f) => f.path.endsWith(suffix));
  if (found === undefined) throw new Error(`esbuild produced no ${suffix} output`);
  return found;
}

/** Bundles `entry` (a spec file) and everything it imports; returns the code and its source map. */
export async function bundleSpecFile(entry: string, options: BuildOptions): Promise<{ code: string; map: SourceMap; warnings: string }> {
  const outdir = dirname(entry);
  const result = await build({ ...options, ...FIXED, entryPoints: [entry], outdir });
  const map = JSON.parse(output(result.outputFiles, '.js.map').text) as SourceMap;
  map.sources = map.sources.map((source) => resolve(outdir, source));
  return { code: output(result.outputFiles, '.js').text, map, warnings: formatMessages(result.warnings) };
}

/**
 * A karma plugin factory for the preprocessor. Each spec file becomes one self-contained
 * ES module (serve it with `type: 'module'`); a file that does not build fails the karma run
 * rather than quietly contributing no specs.
 */
export function esbuildPreprocessor(options: BuildOptions): { (logger: KarmaLogger): Preprocess; $inject: string[] } {
  const factory = (logger: KarmaLogger): Preprocess => {
    const log = logger.create('preprocessor.esbuild');
    // The callback, not a returned promise: karma takes a promise's empty content (a spec
    // file that bundles to nothing) for "no content yet" and would wait forever.
    return (_content, file, done) => {
      bundleSpecFile(file.originalPath, options).then(
        ({ code, map, warnings }) => {
          if (warnings !== '') log.warn(warnings);
          file.path = file.originalPath.replace(/\.[cm]?tsx?$/, '.js');
          file.sourceMap = map;
          done(null, code);
        },
        (error: unknown) => {
          // karma logs this and exits non-zero.
          const errors = (error as { errors?: Message[] }).errors;
          const detail = errors !== undefined && errors.length > 0 ? formatMessages(errors) : String(error);
          done(new Error(`cannot bundle ${file.originalPath}:\n${detail}`, { cause: error }));
        },
      );
    };
  };
  factory.$inject = ['logger'];
  return factory;
}
