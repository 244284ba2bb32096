/**
 * rxwamp: WAMP v2 on RxJS. This entry point is browser-safe: it never imports Node
 * built-ins or `ws` (those live in `rxwamp/node`).
 */
export * from './protocol/index.js';
export * from './serialization/index.js';
export * from './transport/index.js';
export * from './auth/index.js';
export * from './client/auth/index.js';
export * from './session/index.js';
export * from './client/index.js';
export * from './contracts/index.js';
