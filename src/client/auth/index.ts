/** Client-side WAMP authentication methods. */
export type { AuthResponse, ClientAuthMethod } from './auth-method.js';
export * from './ticket.js';
export * from './wampcra.js';
export * from './cryptosign.js';
export * from './anonymous.js';
export * from './tls.js';
