import type { NextFunction, Request, Response } from 'express';

/**
 * localhost, *.localhost, 127.x.x.x and [::1], with or without a port. Browsers keep HSTS per host name, not
 * per port: pinning localhost to HTTPS would break every other plain-HTTP development server on the machine.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = (/^(\[[^\]]*\]|[^:]*)/.exec(host ?? '')?.[1] ?? '').toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Strict-Transport-Security on answers to HTTPS requests (Parley's own TLS, or a trusted proxy's
 * X-Forwarded-Proto: https): browsers then use HTTPS for this host for `maxAgeSeconds`. Never over plain
 * HTTP (browsers ignore it there), never to loopback names, and not at all when the max-age is 0.
 * No includeSubDomains: Parley cannot know what else runs under its domain.
 */
export function strictTransportSecurity(maxAgeSeconds: number) {
  const value = `max-age=${maxAgeSeconds}`;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (maxAgeSeconds > 0 && req.secure && !isLoopbackHost(req.headers.host)) res.setHeader('Strict-Transport-Security', value);
    next();
  };
}
