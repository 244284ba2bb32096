/** Browser-safe authentication primitives: WAMP-CRA, WAMP-Cryptosign, constant-time compare. */
export * from './hex.js';
export { randomSerial, randomNonce } from './random.js';
export * from './constant-time.js';
export * from './wampcra.js';
export * from './cryptosign.js';
