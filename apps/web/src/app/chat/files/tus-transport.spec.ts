import { describeTusFailure, fileIdOf, shouldRetry } from './tus-transport';

describe('tus failures as the tray tells them', () => {
  it('a dropped connection or a struggling server can be retried; a refusal cannot', () => {
    expect(describeTusFailure(0, undefined)).toEqual({ message: 'Cannot reach the server.', retryable: true });
    expect(describeTusFailure(503, '<html>')).toEqual({ message: 'The server could not take the file just now.', retryable: true });
    expect(describeTusFailure(409, undefined).retryable).toBe(true);
    const tooBig = JSON.stringify({ statusCode: 413, code: 'payload_too_large', message: 'Files can be up to 100 MB.' });
    expect(describeTusFailure(413, tooBig)).toEqual({ message: 'Files can be up to 100 MB.', retryable: false });
    expect(describeTusFailure(422, 'not json')).toEqual({ message: 'The server refused this file (422).', retryable: false });
    expect(describeTusFailure(401, undefined).retryable).toBe(false);
  });

  it('takes the file id from the upload URL, relative or absolute', () => {
    expect(fileIdOf('/api/uploads/0b5c9b1e-1')).toBe('0b5c9b1e-1');
    expect(fileIdOf('https://chat.example.com/api/uploads/abc%2Fdef')).toBe('abc/def');
  });
});

describe('tus retrying by itself', () => {
  it('retries the connection, the server, a locked upload and a rate limit; never a refusal or while offline', () => {
    expect([0, 500, 503, 409, 423, 429].map((s) => shouldRetry(s, true))).toEqual([true, true, true, true, true, true]);
    expect([400, 403, 404, 413, 422].map((s) => shouldRetry(s, true))).toEqual([false, false, false, false, false]);
    expect(shouldRetry(0, false)).toBe(false);
  });
});
