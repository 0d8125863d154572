import { safeReturnUrl } from './return-url';

describe('safeReturnUrl', () => {
  it.each([
    ['/profile', '/profile'],
    ['/admin/users?q=ada', '/admin/users?q=ada'],
    [undefined, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/path', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/login?returnUrl=/x', '/'],
    ['/register', '/'],
  ])('sends %p to %p', (input, expected) => {
    expect(safeReturnUrl(input)).toBe(expected);
  });
});
