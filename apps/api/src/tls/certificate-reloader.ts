import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Stats, unwatchFile, watchFile } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { APP_CONFIG, AppConfig } from '../config/config';
import { describeCertificate, KeyPair, readKeyPair, secureContextOptions } from './key-pair';

/** How often the two files are looked at (stat), and how long to wait after a change for its twin to follow. */
export const CERTIFICATE_POLL_MS = 5000;
export const CERTIFICATE_SETTLE_MS = 1000;

/**
 * Serves a renewed certificate without a restart: when TLS_CERT_FILE or TLS_KEY_FILE changes, or on SIGHUP,
 * reads both again and, if they still form a pair, hands them to the HTTPS server for new connections.
 * A pair that does not work is logged and the previous one kept: a bad renewal never takes the server down.
 *
 * The files are polled (stat) rather than watched with inotify: certbot and Kubernetes renew by swapping
 * symlinks or renaming files into place, which an inotify watch on the old file never sees; stat follows
 * the path as it is now.
 */
@Injectable()
export class CertificateReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Tls');
  private served: KeyPair | null = null;
  private settleTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const tls = this.config.tls;
    if (!tls) return;
    // The server was created with the pair read in main.ts; take what the files hold now, in case they changed since.
    this.reload('start-up');
    for (const file of [tls.certFile, tls.keyFile]) watchFile(file, { interval: CERTIFICATE_POLL_MS, persistent: false }, this.onFileChange);
    process.on('SIGHUP', this.onSighup);
  }

  onApplicationShutdown(): void {
    const tls = this.config.tls;
    if (!tls) return;
    process.off('SIGHUP', this.onSighup);
    for (const file of [tls.certFile, tls.keyFile]) unwatchFile(file, this.onFileChange);
    if (this.settleTimer) clearTimeout(this.settleTimer);
  }

  private readonly onSighup = (): void => this.reload('SIGHUP');

  private readonly onFileChange = (curr: Stats, prev: Stats): void => {
    // Reading a file changes its atime only; anything else (content, a new inode after a rename or a symlink swap, removal) counts.
    if (curr.mtimeMs === prev.mtimeMs && curr.ctimeMs === prev.ctimeMs && curr.ino === prev.ino && curr.size === prev.size) return;
    // Renewals write the certificate and the key one after the other: wait for both.
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.reload('file change');
    }, CERTIFICATE_SETTLE_MS);
    this.settleTimer.unref();
  };

  /** Never throws: whatever goes wrong is logged and the certificate being served stays. */
  private reload(reason: 'start-up' | 'SIGHUP' | 'file change'): void {
    const tls = this.config.tls!;
    let pair: KeyPair;
    try {
      pair = readKeyPair(tls);
    } catch (err) {
      this.logger.error(`Certificate reload (${reason}) failed; still serving the previous certificate: ${(err as Error).message}`);
      return;
    }
    const same = this.served !== null && this.served.cert.equals(pair.cert) && this.served.key.equals(pair.key);
    if (same && reason === 'file change') return;
    try {
      (this.adapterHost.httpAdapter.getHttpServer() as HttpsServer).setSecureContext(secureContextOptions(pair));
    } catch (err) {
      this.logger.error(`Certificate reload (${reason}) failed; still serving the previous certificate: ${(err as Error).message}`);
      return;
    }
    this.served = pair;
    const about = describeCertificate(pair.certificate);
    const what = `certificate ${about.subject} (${about.names}), serial ${about.serialNumber}, valid until ${about.validTo}`;
    if (reason !== 'start-up') this.logger.log(`Certificate reloaded (${reason}): serving ${what}`);
    else this.logger.log(`Serving HTTPS with ${what}`);
    if (Date.parse(about.validTo) < Date.now()) this.logger.warn(`The certificate in ${tls.certFile} expired on ${about.validTo}; browsers will refuse it`);
  }
}
