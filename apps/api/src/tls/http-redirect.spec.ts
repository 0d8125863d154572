import { hostnameOf, redirectLocation } from './http-redirect';

const req = (host: string | undefined, url = '/') => ({ headers: host === undefined ? {} : { host }, url });

describe('the plain HTTP redirect', () => {
  it('keeps the host name, path and query, and swaps in the HTTPS port', () => {
    expect(redirectLocation(req('chat.example.com:8080', '/rooms/42?seq=7&x=%20'), 8443, 'localhost')).toBe('https://chat.example.com:8443/rooms/42?seq=7&x=%20');
    expect(redirectLocation(req('Chat.Example.com'), 8443, 'localhost')).toBe('https://chat.example.com:8443/');
    expect(redirectLocation(req('10.0.0.5:80', '/api/health'), 8443, 'localhost')).toBe('https://10.0.0.5:8443/api/health');
    expect(redirectLocation(req('[::1]:8080', '/x'), 8443, 'localhost')).toBe('https://[::1]:8443/x');
  });

  it('leaves out the port when HTTPS is on 443', () => {
    expect(redirectLocation(req('chat.example.com', '/a'), 443, 'localhost')).toBe('https://chat.example.com/a');
  });

  it.each([
    ['evil.example/', '/'],
    ['user@evil.example', '/'],
    ['evil.example\\@chat', '/'],
    ['chat.example.com:80:81', '/'],
    ['[not-an-ip]:80', '/'],
    ['a b', '/'],
    ['', '/'],
    [undefined, '/'],
  ])('never lets the Host header %j choose where the redirect goes', (host, url) => {
    expect(redirectLocation(req(host, url), 8443, 'chat.example.com')).toBe('https://chat.example.com:8443/');
  });

  it('keeps only the path of an absolute-form request line, and escapes what a header may not carry', () => {
    expect(redirectLocation(req('chat.example.com', 'http://evil.example/steal?x=1'), 8443, 'fallback')).toBe('https://chat.example.com:8443/steal?x=1');
    expect(redirectLocation(req('chat.example.com', '//evil.example/x'), 8443, 'fallback')).toBe('https://chat.example.com:8443//evil.example/x');
    expect(redirectLocation(req('chat.example.com', '/caf\u00e9 x'), 8443, 'fallback')).toBe('https://chat.example.com:8443/caf%C3%A9%20x');
    expect(redirectLocation(req('chat.example.com', '*'), 8443, 'fallback')).toBe('https://chat.example.com:8443/');
  });

  it('reads host names, IPv4 and bracketed IPv6 addresses and nothing else', () => {
    expect(hostnameOf('localhost:3000')).toBe('localhost');
    expect(hostnameOf('chat.example.com.')).toBe('chat.example.com');
    expect(hostnameOf('[2001:DB8::1]')).toBe('[2001:db8::1]');
    expect(hostnameOf('::1')).toBeNull();
    expect(hostnameOf('-bad.example')).toBeNull();
    expect(hostnameOf(`${'a'.repeat(64)}.example`)).toBeNull();
  });
});
