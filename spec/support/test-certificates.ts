import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as files and as PEM text. */
export interface TestCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/** Certificates made for one spec file by Debian's openssl, in a temporary directory. */
export interface TestPki {
  readonly dir: string;
  /** The CA the servers' certificates chain to (what a client passes as `ca`). */
  readonly ca: TestCertificate;
  /** 127.0.0.1 and localhost, by `ca`. */
  readonly server: TestCertificate;
  /** Another key and certificate for the same names, by `ca` (the certificate a reload brings). */
  readonly renewed: TestCertificate;
  /** 127.0.0.1 and localhost, by `ca`, valid only in January 2020. */
  readonly expired: TestCertificate;
  /** 127.0.0.1 and localhost, self-signed: nobody trusts it. */
  readonly untrusted: TestCertificate;
  /** The CA of client certificates (what a listener's `tls.ca` names). */
  readonly clientCa: TestCertificate;
  /** A client certificate with subject CN=alice, by `clientCa`. */
  readonly alice: TestCertificate;
  /** A client certificate with subject CN=alice that `clientCa` did not sign. */
  readonly forgedAlice: TestCertificate;
  /** Removes the directory. */
  remove(): void;
}

const SERVER_NAMES = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
const CLIENT_USE = 'extendedKeyUsage=clientAuth\n';

/** Makes the certificates of {@link TestPki} (EC P-256: quick to generate). */
export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'rxwamp-pki-'));
  const openssl = (...args: string[]): Promise<unknown> => run('openssl', args, { cwd: dir });
  const read = (name: string): TestCertificate => {
    const certPath = join(dir, `${name}.pem`);
    const keyPath = join(dir, `${name}-key.pem`);
    return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  };
  const key = (name: string): Promise<unknown> => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}-key.pem`);
  const selfSigned = async (name: string, cn: string, extensions: string[]): Promise<void> => {
    await key(name);
    await openssl('req', '-x509', '-new', '-key', `${name}-key.pem`, '-subj', `/CN=${cn}`, '-days', '2', '-out', `${name}.pem`, ...extensions.flatMap((e) => ['-addext', e]));
  };
  const ca = (name: string, cn: string): Promise<void> => selfSigned(name, cn, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
  const signed = async (name: string, cn: string, by: string, extensions: string): Promise<void> => {
    await key(name);
    await openssl('req', '-new', '-key', `${name}-key.pem`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}-key.pem`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  };
  /** `openssl x509` cannot backdate (OpenSSL 3.0): `openssl ca` can, with a minimal config. */
  const expiredBy = async (name: string, by: string): Promise<void> => {
    await key(name);
    await openssl('req', '-new', '-key', `${name}-key.pem`, '-subj', '/CN=127.0.0.1', '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), SERVER_NAMES);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      `[ca]\ndefault_ca=test\n[test]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ncertificate=${dir}/${by}.pem\nprivate_key=${dir}/${by}-key.pem\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n`,
    );
    await openssl('ca', '-batch', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extfile', `${name}.ext`);
  };
  try {
    await Promise.all([ca('ca', 'rxwamp test CA'), ca('client-ca', 'rxwamp test client CA'), selfSigned('untrusted', '127.0.0.1', ['subjectAltName=IP:127.0.0.1,DNS:localhost'])]);
    await Promise.all([
      signed('server', '127.0.0.1', 'ca', SERVER_NAMES),
      signed('renewed', '127.0.0.1', 'ca', SERVER_NAMES),
      signed('alice', 'alice', 'client-ca', CLIENT_USE),
      selfSigned('forged-alice', 'alice', []),
    ]);
    await expiredBy('expired', 'ca');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    ca: read('ca'),
    server: read('server'),
    renewed: read('renewed'),
    expired: read('expired'),
    untrusted: read('untrusted'),
    clientCa: read('client-ca'),
    alice: read('alice'),
    forgedAlice: read('forged-alice'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The SHA-256 fingerprint of the certificate the TLS server at `url` presents now (trusting `ca`). */
export function fingerprintAt(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: hostname, port: Number(port), ca }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}
