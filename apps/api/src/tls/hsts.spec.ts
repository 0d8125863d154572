import type { Request, Response } from 'express';
import { isLoopbackHost, strictTransportSecurity } from './hsts';

function headerFor(maxAge: number, secure: boolean, host: string): string | undefined {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  let passedOn = false;
  strictTransportSecurity(maxAge)({ secure, headers: { host } } as Request, res, () => (passedOn = true));
  expect(passedOn).toBe(true);
  return headers['Strict-Transport-Security'];
}

describe('Strict-Transport-Security', () => {
  it('is sent on answers to HTTPS requests, without includeSubDomains', () => {
    expect(headerFor(15_552_000, true, 'chat.example.com')).toBe('max-age=15552000');
    expect(headerFor(60, true, 'chat.example.com:8443')).toBe('max-age=60');
  });

  it('is never sent over plain HTTP, to loopback names, or with a max-age of 0', () => {
    expect(headerFor(15_552_000, false, 'chat.example.com')).toBeUndefined();
    for (const host of ['localhost', 'localhost:3000', 'LOCALHOST.', 'parley.localhost:8443', '127.0.0.1:3000', '127.1.2.3', '[::1]:3000']) {
      expect(headerFor(15_552_000, true, host)).toBeUndefined();
    }
    expect(headerFor(0, true, 'chat.example.com')).toBeUndefined();
  });

  it('does not take names that merely start like localhost for loopback', () => {
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('[::2]')).toBe(false);
    expect(isLoopbackHost(undefined)).toBe(false);
  });
});
