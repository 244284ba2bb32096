export * from './wamp-session.js';
export * from './role-types.js';
export * from './session-errors.js';
export type { SessionState } from './session-state.js';
export { CLIENT_ROLES, CLIENT_AGENT } from './client-roles.js';
export * from './contract.js';
export * from './ppt/index.js';
