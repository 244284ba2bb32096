export * from './standard-schema.js';
export * from './issues.js';
export { ContractErrors } from './checks.js';
export * from './define.js';
