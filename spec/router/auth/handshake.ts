import { firstValueFrom } from 'rxjs';
import type { ClientAuthMethod } from '../../../src/client/auth/auth-method.js';
import type { Authenticator, AuthOutcome, AuthRefusal, AuthRequest } from '../../../src/router/auth/authenticator.js';
import { isChallenge } from '../../../src/router/auth/authenticator.js';
import { runAuthenticator, verifyChallenge } from '../../../src/router/auth/resolve-outcome.js';
import type { ChannelBindingType, PeerCertificate, TlsChannel } from '../../../src/transport/tls-channel.js';

/** A HELLO as the router sees it, with defaults for what a test does not care about. */
export function helloRequest(fields: Partial<AuthRequest> = {}): AuthRequest {
  return {
    realm: 'realm1',
    sessionId: 3251278072152162,
    authid: undefined,
    authmethods: ['anonymous'],
    authextra: {},
    peer: 'test',
    ...fields,
  };
}

/** A refusal as the router sends it in ABORT, written out (not built by the code under test). */
export function refused(reason: string, message: string): AuthRefusal {
  return { refused: true, reason, message };
}

/** A TLS channel as a transport would report it (a data object): a peer certificate and fixed channel ids. */
export function tlsChannel(certificate?: PeerCertificate, ids: Partial<Record<ChannelBindingType, Uint8Array>> = {}): TlsChannel {
  return { protocol: 'TLSv1.3', channelId: (type) => ids[type], peerCertificate: certificate };
}

/** Everything the router sent during one handshake, to check no secret leaked. */
export interface HandshakeTrace {
  readonly first: AuthOutcome;
  readonly final: AuthOutcome;
}

/**
 * The whole exchange without a network: the client's methods go into HELLO, the router
 * decides, the matching client method answers a CHALLENGE, the router verifies.
 */
export async function handshake(
  authenticator: Authenticator,
  methods: readonly ClientAuthMethod[],
  fields: Partial<AuthRequest> = {},
): Promise<HandshakeTrace> {
  const authextra = Object.assign({}, ...methods.map((m) => m.helloExtra?.() ?? {})) as Record<string, unknown>;
  const request = helloRequest({ authmethods: methods.map((m) => m.method), authextra, ...fields });
  const first = await firstValueFrom(runAuthenticator(authenticator, request));
  if (!isChallenge(first)) return { first, final: first };
  const method = methods.find((m) => m.method === first.method);
  if (!method) throw new Error(`router challenged with ${first.method}, which the client did not offer`);
  const response = await method.respond(first.extra);
  const final = await firstValueFrom(verifyChallenge(first, response.signature, response.extra ?? {}));
  return { first, final };
}
