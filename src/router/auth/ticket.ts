import { constantTimeEqualStrings } from '../../auth/constant-time.js';
import type { TicketAuthConfig } from './config.js';
import { STATIC_AUTHPROVIDER } from './config.js';
import type { AuthOutcome, AuthRequest } from './authenticator.js';
import { ownEntry } from './own-key.js';
import { authenticationFailed, challengeOnce, notAuthorized } from './refusal.js';

/** Ticket authentication against static principals: CHALLENGE `ticket`, compare in constant time. */
export function ticketAuthenticator(config: TicketAuthConfig): (request: AuthRequest) => AuthOutcome {
  return (request) => {
    if (request.authid === undefined) return notAuthorized('ticket authentication requires an authid');
    const authid = request.authid;
    const principal = ownEntry(config.principals, authid);
    if (principal === undefined) return notAuthorized(`no principal with authid "${authid}" exists`);
    return challengeOnce('ticket', {}, async (ticket) =>
      constantTimeEqualStrings(principal.ticket, ticket)
        ? { authid, authrole: principal.authrole, authmethod: 'ticket', authprovider: STATIC_AUTHPROVIDER }
        : authenticationFailed(`invalid ticket for authid "${authid}"`),
    );
  };
}
