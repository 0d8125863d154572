import { linkAddress } from './link-address';

describe('linkAddress', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['http://example.com', 'http://example.com'],
    ['  example.com/docs  ', 'https://example.com/docs'],
    ['localhost:3000/r/1', 'https://localhost:3000/r/1'],
    ['ana@example.com', 'mailto:ana@example.com'],
    ['mailto:ana@example.com', 'mailto:ana@example.com'],
  ])('%j → %j', (typed, href) => {
    expect(linkAddress(typed)).toBe(href);
  });

  it.each(['', '   ', 'two words', 'javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd'])('refuses %j', (typed) => {
    expect(linkAddress(typed)).toBeNull();
  });
});
