import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StandInCertificates {
  /** Folder holding the files; removed by `dispose()`. */
  folder: string;
  caPath: string;
  caPem: string;
  keyPem: string;
  certPem: string;
  dispose(): void;
}

/** Kept on `globalThis`: every test file is its own bundle with its own copy of this module. */
const sharedKey = Symbol.for('trafficLens.standIn.certificates');

/**
 * One set of certificates per process: every stand-in a test run starts reuses it (creating them
 * takes three openssl runs), whichever bundle starts it. The folder is removed when the process exits.
 */
export function sharedCertificates(): StandInCertificates {
  const holder = globalThis as { [sharedKey]?: StandInCertificates };
  let shared = holder[sharedKey];
  if (!shared) {
    const created = createCertificates();
    shared = { ...created, dispose: () => undefined };
    holder[sharedKey] = shared;
    process.once('exit', () => created.dispose());
  }
  return shared;
}

/**
 * Creates a throw-away certificate authority and a server certificate for
 * `IP:127.0.0.1, DNS:localhost` with the Debian `openssl` command. Clients trust the CA
 * explicitly (`tlsOptions: { ca }`, an `https.Agent({ ca })` or `NODE_EXTRA_CA_CERTS`).
 */
export function createCertificates(): StandInCertificates {
  const folder = mkdtempSync(join(tmpdir(), 'standin-tls-'));
  const path = (name: string): string => join(folder, name);
  const run = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args[0]} failed while creating the stand-in certificates: ${stderr.trim() || String(error)}`, { cause: error });
    }
  };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=Azure Traffic Lens stand-in CA', '-keyout', path('ca.key'), '-out', path('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=localhost', '-keyout', path('server.key'), '-out', path('server.csr')]);
  writeFileSync(path('server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '',
  ].join('\n'));
  run(['x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial',
    '-days', '2', '-out', path('server.pem'), '-extfile', path('server.ext')]);
  return {
    folder,
    caPath: path('ca.pem'),
    caPem: readFileSync(path('ca.pem'), 'utf8'),
    keyPem: readFileSync(path('server.key'), 'utf8'),
    certPem: readFileSync(path('server.pem'), 'utf8'),
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
