import { createHash } from 'node:crypto';
import type { PeerCertificate as NodePeerCertificate, TLSSocket } from 'node:tls';
import type { ChannelBindingType, PeerCertificate, TlsChannel } from '../transport/tls-channel.js';

/** RFC 9266: the exporter label of `tls-exporter`, 32 bytes, empty context (the same as none in TLS 1.3). */
const EXPORTER_LABEL = 'EXPORTER-Channel-Binding';
const CHANNEL_ID_BYTES = 32;

function subjectOf(subject: NodePeerCertificate['subject'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(subject ?? {})) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.join(', ');
  }
  return out;
}

function peerCertificateOf(socket: TLSSocket): PeerCertificate | undefined {
  const certificate = socket.getPeerCertificate();
  // Node returns an empty object when the peer sent no certificate.
  if (certificate === null || typeof certificate !== 'object' || certificate.fingerprint256 === undefined) return undefined;
  const error = socket.authorizationError as Error | string | null | undefined;
  return {
    subject: subjectOf(certificate.subject),
    fingerprint256: certificate.fingerprint256,
    authorized: socket.authorized,
    ...(error === null || error === undefined ? {} : { authorizationError: typeof error === 'string' ? error : (error as { code?: string }).code ?? error.message }),
  };
}

/**
 * The channel of a connected TLS socket, as WAMP-Cryptosign binds to it. `tls-unique` is
 * the first Finished message of the handshake, hashed with SHA-256 to 32 bytes as
 * Autobahn does; `tls-exporter` is the RFC 9266 keying material, defined for TLS 1.3 only.
 */
export function tlsChannelOf(socket: TLSSocket, isServer: boolean): TlsChannel {
  let certificate: PeerCertificate | undefined | null = null;
  return {
    get protocol() {
      return socket.getProtocol() ?? 'unknown';
    },
    channelId(type: ChannelBindingType): Uint8Array | undefined {
      try {
        if (type === 'tls-exporter') {
          if (socket.getProtocol() !== 'TLSv1.3') return undefined;
          return new Uint8Array(socket.exportKeyingMaterial(CHANNEL_ID_BYTES, EXPORTER_LABEL, Buffer.alloc(0)));
        }
        // The first Finished of the handshake is the server's in TLS 1.3 and in a resumed
        // session, the client's otherwise (RFC 5929 read for TLS 1.3, as Autobahn|Twisted and Crossbar do).
        const serverFirst = socket.getProtocol() === 'TLSv1.3' || socket.isSessionReused();
        const first = isServer === serverFirst ? socket.getFinished() : socket.getPeerFinished();
        if (first === undefined) return undefined;
        return new Uint8Array(createHash('sha256').update(first).digest());
      } catch {
        // The socket is gone, or the TLS library cannot export: no binding.
        return undefined;
      }
    },
    get peerCertificate() {
      // Read once, while the socket is open; it does not change afterwards.
      if (certificate === null) certificate = socket.destroyed ? undefined : peerCertificateOf(socket);
      return certificate;
    },
  };
}
