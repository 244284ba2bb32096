export * from './wamp-client.js';
export * from './client-options.js';
export { backoffDelay, reconnectPolicy } from './backoff.js';
export type { ReconnectPolicy } from './backoff.js';
