import { ticketAuth } from '../../../src/client/auth/ticket.js';

describe('ticketAuth', () => {
  it('announces ticket and answers with the ticket, adding nothing to HELLO', async () => {
    const method = ticketAuth('secret-ticket');
    expect(method.method).toBe('ticket');
    expect(method.helloExtra).toBeUndefined();
    expect(await method.respond({})).toEqual({ signature: 'secret-ticket' });
  });

  it('asks a ticket function anew at every challenge (refreshed tokens)', async () => {
    let n = 0;
    const method = ticketAuth(async () => `token-${++n}`);
    expect((await method.respond({})).signature).toBe('token-1');
    expect((await method.respond({})).signature).toBe('token-2');
  });
});
