import type { StandardSchemaIssue } from './standard-schema.js';

/** A schema's issue as it travels in an ERROR's kwargs: its message, and where in the payload (`['args', 0]`, `['kwargs', 'price']`). */
export interface ContractIssue {
  readonly message: string;
  readonly path: ReadonlyArray<string | number>;
}

/** A schema's issues, made serializable, their paths starting at the payload part they are about. */
export function issuesAt(root: ReadonlyArray<string | number>, issues: ReadonlyArray<StandardSchemaIssue>): ContractIssue[] {
  return issues.map((issue) => ({
    message: issue.message,
    path: [...root, ...(issue.path ?? []).map((segment) => pathKey(typeof segment === 'object' ? segment.key : segment))],
  }));
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key;
}

/** One line for people: `args.0: Expected number` for each issue. */
export function describeIssues(issues: ReadonlyArray<ContractIssue>): string {
  return issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
