import { HttpErrorResponse } from '@angular/common/http';
import { ErrorCode } from '@parley/contracts';
import { toApiError } from './api-error';

describe('toApiError', () => {
  it("passes the API's own error body through", () => {
    const body = { statusCode: 409, error: 'Conflict', message: 'That username is already taken', code: ErrorCode.Conflict };
    expect(toApiError(new HttpErrorResponse({ status: 409, error: body }))).toEqual(body);
  });

  it('explains a network failure instead of showing status 0', () => {
    const err = toApiError(new HttpErrorResponse({ status: 0, error: null }));
    expect(err.code).toBe(ErrorCode.Unavailable);
    expect(err.message).toMatch(/Cannot reach the server/);
  });

  it('turns a non-API failure (a proxy error page) into a readable error', () => {
    const err = toApiError(new HttpErrorResponse({ status: 502, error: '<html>Bad Gateway</html>' }));
    expect(err.statusCode).toBe(502);
    expect(typeof err.message).toBe('string');
    expect(err.message).not.toContain('<html>');
  });
});
