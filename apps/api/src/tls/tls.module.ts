import { Module } from '@nestjs/common';
import { CertificateReloader } from './certificate-reloader';
import { HttpRedirectServer } from './http-redirect';

/**
 * HTTPS and WSS on PORT (TLS_CERT_FILE, TLS_KEY_FILE): main.ts creates the HTTPS server with the pair; this
 * module serves renewed certificates without a restart and, with HTTP_REDIRECT_PORT, redirects plain HTTP.
 * Both do nothing without TLS.
 */
@Module({
  providers: [CertificateReloader, HttpRedirectServer],
})
export class TlsModule {}
