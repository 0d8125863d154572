import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, SecureContextOptions } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** A certificate (chain) and its private key, read from TLS_CERT_FILE and TLS_KEY_FILE and checked to be a pair. */
export interface KeyPair {
  /** The PEM as read: the server's certificate, then any intermediates (certbot's fullchain.pem). */
  cert: Buffer;
  key: Buffer;
  /** The server's own certificate (the first in `cert`). */
  certificate: X509Certificate;
}

/** Why a pair cannot be used, in one line that names the setting and the file. */
export class KeyPairError extends Error {}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new KeyPairError(`${variable} ${file} ${why}`);
  }
}

/**
 * Reads both files and checks what a TLS handshake will need: a PEM certificate, a PEM private key (not
 * encrypted), the key belonging to the certificate, and OpenSSL accepting the two together.
 */
export function readKeyPair(files: TlsFiles): KeyPair {
  const cert = readPem('TLS_CERT_FILE', files.certFile);
  const key = readPem('TLS_KEY_FILE', files.keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new KeyPairError(`TLS_CERT_FILE ${files.certFile} holds no PEM certificate`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new KeyPairError(`TLS_KEY_FILE ${files.keyFile} holds no PEM private key (or an encrypted one, which is not supported)`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new KeyPairError(`TLS_KEY_FILE ${files.keyFile} is not the private key of the certificate in TLS_CERT_FILE ${files.certFile}`);
  }
  const pair = { cert, key, certificate };
  try {
    createSecureContext(secureContextOptions(pair));
  } catch (err) {
    throw new KeyPairError(`TLS_CERT_FILE and TLS_KEY_FILE cannot be used together: ${(err as Error).message}`);
  }
  return pair;
}

/** What the HTTPS server is created with, and what it is given again on each reload. */
export function secureContextOptions(pair: KeyPair): SecureContextOptions {
  return { cert: pair.cert, key: pair.key };
}

/** What an operator wants to see in the log about a certificate. */
export function describeCertificate(certificate: X509Certificate): { subject: string; names: string; validTo: string; serialNumber: string; fingerprint256: string } {
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    names: certificate.subjectAltName ?? '',
    validTo: new Date(certificate.validTo).toISOString(),
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
  };
}
