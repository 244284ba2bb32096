export * from './transport.js';
export * from './loopback.js';
