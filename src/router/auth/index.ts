/** Router-side WAMP authentication: per-realm authenticators from config, and helpers for custom ones. */
export * from './authenticator.js';
export * from './config.js';
export { anonymousAuthenticator, ANONYMOUS_AUTHROLE } from './anonymous.js';
export { ticketAuthenticator } from './ticket.js';
export { wampcraAuthenticator } from './wampcra.js';
export { cryptosignAuthenticator } from './cryptosign.js';
export { tlsAuthenticator } from './tls.js';
export { authenticatorFromConfig } from './from-config.js';
export { validateRealmAuthConfig } from './validate-config.js';
export { composeAuthenticators } from './compose.js';
export { resolveAuthOutcome, runAuthenticator, verifyChallenge, type AuthResult } from './resolve-outcome.js';
export { refuse, authenticationFailed, notAuthorized } from './refusal.js';
