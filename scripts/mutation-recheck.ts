/**
 * Forgets the mutants the last mutation run did not kill, so that the next `npm run mutation`
 * tests them again. Stryker's incremental mode re-tests a surviving mutant only when a spec with
 * a new name covers it: the Jasmine runner reports no spec files, so a stronger assertion added
 * to an existing spec goes unseen, and a static mutant is covered by no spec at all.
 *
 * Usage: `npm run mutation:recheck [-- <path pattern>]`, then `npm run mutation`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface MutantResult {
  readonly status: string;
}
interface IncrementalReport {
  readonly files: Record<string, { mutants: MutantResult[] }>;
}

const file = 'reports/stryker-incremental.json';
const only = new RegExp(process.argv[2] ?? '.');
const detected = new Set(['Killed', 'Timeout', 'CompileError']);
const report = JSON.parse(readFileSync(file, 'utf8')) as IncrementalReport;
let forgotten = 0;
for (const [name, result] of Object.entries(report.files)) {
  if (!only.test(name)) continue;
  const kept = result.mutants.filter((m) => detected.has(m.status));
  forgotten += result.mutants.length - kept.length;
  result.mutants = kept;
}
writeFileSync(file, JSON.stringify(report));
console.log(`${forgotten} mutants not killed will be tested again by the next run`);
