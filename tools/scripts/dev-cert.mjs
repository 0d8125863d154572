// `npm run dev-cert -- [name or IP address ...]`: writes a self-signed certificate for trying out HTTPS
// (localhost, 127.0.0.1 and ::1, plus the names and addresses given) to DATA_DIR/tls/cert.pem and key.pem
// (key mode 0600), DATA_DIR found as the server finds it (default ./data). Browsers warn about it: it is for
// development and tests only (docs/https.md). Running it again replaces both files; a running server picks
// the new pair up by itself.
import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

const VALID_DAYS = 90;
const USAGE = 'usage: npm run dev-cert -- [name or IP address ...]   (writes DATA_DIR/tls/cert.pem and key.pem; DATA_DIR defaults to ./data)';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const hostname = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const bad = args.find((a) => !isIP(a) && !hostname.test(a));
if (bad !== undefined) {
  console.error(`dev-cert: "${bad}" is neither a host name nor an IP address\n${USAGE}`);
  process.exit(2);
}
const names = [...new Set(['localhost', '127.0.0.1', '::1', ...args.map((a) => (isIP(a) ? a : a.toLowerCase()))])];

x509.cryptoProvider.set(webcrypto);
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
const notBefore = new Date(Date.now() - 60_000); // a little slack for clocks that differ
const notAfter = new Date(notBefore.getTime() + VALID_DAYS * 86_400_000);
const serial = randomBytes(16);
serial[0] &= 0x7f; // a positive serial number, as RFC 5280 asks
const cert = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: serial.toString('hex'),
  name: `CN=${names[0]}, O=Parley development certificate`,
  notBefore,
  notAfter,
  signingAlgorithm: algorithm,
  keys,
  extensions: [
    // A server certificate, not a CA: browsers refuse a CA certificate as a server's own.
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) ? 'ip' : 'dns', value: n }))),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ],
});
const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');

const dir = join(resolve(process.env.DATA_DIR || './data'), 'tls');
mkdirSync(dir, { recursive: true, mode: 0o700 });
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
// Each file appears whole (write aside, then rename), so a running server never reads half a key.
writeAtomically(keyFile, keyPem + '\n', 0o600);
writeAtomically(certFile, cert.toString('pem') + '\n', 0o644);

console.log(`Wrote a self-signed certificate for ${names.join(', ')}, valid until ${notAfter.toISOString().slice(0, 10)}:`);
console.log(`  ${certFile}\n  ${keyFile} (mode 0600)`);
console.log('Serve Parley over HTTPS with (browsers will warn: the certificate is not from a known authority):');
console.log(`TLS_CERT_FILE=${certFile}`);
console.log(`TLS_KEY_FILE=${keyFile}`);

function writeAtomically(file, text, mode) {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, text, { mode });
  chmodSync(aside, mode); // the mode given to writeFileSync is masked by the umask
  renameSync(aside, file);
}
