import { WORKSPACE_ROOT } from '@parley/testing';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';

export interface DevCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate's PEM, to trust it as a CA. */
  pem: string;
  fingerprint256: string;
}

/** Runs `npm run dev-cert` (the script itself) with DATA_DIR=`dataDir`: a new pair under `dataDir/tls`. */
export function devCertificate(dataDir: string, names: string[] = []): DevCertificate {
  const run = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'tools/scripts/dev-cert.mjs'), ...names], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`dev-cert failed (${run.status}): ${run.stderr}`);
  const certFile = join(dataDir, 'tls', 'cert.pem');
  const pem = readFileSync(certFile, 'utf8');
  return { certFile, keyFile: join(dataDir, 'tls', 'key.pem'), pem, fingerprint256: new X509Certificate(pem).fingerprint256 };
}

/** The SHA-256 fingerprint of the certificate a TLS server on 127.0.0.1:`port` presents to a new connection. */
export function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });
}
