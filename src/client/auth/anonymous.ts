import type { ClientAuthMethod } from './auth-method.js';

/** Anonymous access: announced as `anonymous`; a router welcomes it without a CHALLENGE. */
export function anonymousAuth(): ClientAuthMethod {
  return {
    method: 'anonymous',
    respond(): Promise<never> {
      return Promise.reject(new Error('the router sent a CHALLENGE for anonymous authentication'));
    },
  };
}
