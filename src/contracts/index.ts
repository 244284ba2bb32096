export * from './standard-schema.js';
export type { ContractIssue } from './issues.js';
export { ContractErrors } from './checks.js';
export * from './define.js';
