import type { AuthResponse, ClientAuthMethod } from './auth-method.js';

/** Where a ticket comes from: fixed text, or a function asked anew at every CHALLENGE (e.g. a refreshed token). */
export type TicketSource = string | (() => string | Promise<string>);

/** Ticket authentication: answers the router's `ticket` CHALLENGE with the ticket as signature. */
export function ticketAuth(ticket: TicketSource): ClientAuthMethod {
  return {
    method: 'ticket',
    async respond(): Promise<AuthResponse> {
      const signature = typeof ticket === 'function' ? await ticket() : ticket;
      return { signature };
    },
  };
}
