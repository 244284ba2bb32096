import type { ClientAuthMethod } from './auth/auth-method.js';
import { cryptosignAuth, ticketAuth, wampcraAuth } from './auth/index.js';
import type { WampClientOptions } from './client-options.js';

/** The auth methods of client options: `authmethods`, then those the ticket/secret/privateKey shorthands build. */
export function authMethodsOf(options: WampClientOptions): ClientAuthMethod[] {
  const methods = [...(options.authmethods ?? [])];
  if (options.privateKey !== undefined) methods.push(cryptosignAuth(options.privateKey));
  if (options.secret !== undefined) methods.push(wampcraAuth(options.secret));
  if (options.ticket !== undefined) methods.push(ticketAuth(options.ticket));
  return methods;
}
