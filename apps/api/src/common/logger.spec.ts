import { Writable } from 'node:stream';
import { createRootLogger, loggableUrl } from './logger';

describe('loggableUrl', () => {
  it('keeps a path without a query as it is', () => {
    expect(loggableUrl('/api/rooms/abc/messages')).toBe('/api/rooms/abc/messages');
  });

  it('keeps positions and filters, and redacts what people type', () => {
    expect(loggableUrl('/api/search?q=quarterly%20numbers&roomId=r1&limit=20&cursor=abc')).toBe(
      '/api/search?q=[redacted]&roomId=r1&limit=20&cursor=abc',
    );
    expect(loggableUrl('/api/users?q=ada%40example.com&page=2')).toBe('/api/users?q=[redacted]&page=2');
  });

  it('redacts a calendar feed token, which is the credential of its URL', () => {
    expect(loggableUrl('/api/calendar/feed/cal_s3cr3t.ics?x=1')).toBe('/api/calendar/feed/[redacted]?x=[redacted]');
    expect(loggableUrl('/api/calendar/feed')).toBe('/api/calendar/feed');
  });

  it('redacts parameters it does not know, and an engine.io session id', () => {
    expect(loggableUrl('/socket.io/?EIO=4&transport=polling&sid=s3cr3t&token=abc')).toBe('/socket.io/?EIO=4&transport=polling&sid=[redacted]&token=[redacted]');
  });
});

describe('the root logger', () => {
  it('never writes passwords, tokens or message bodies, wherever they sit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createRootLogger('info', sink);
    logger.info({ dto: { password: 'hunter2', body: 'the canary', token: 'pat_x' } }, 'logged');
    expect(lines.join('')).not.toMatch(/hunter2|the canary|pat_x/);
    expect(lines.join('')).toContain('[redacted]');
  });
});
