import { createServer, Server } from 'node:net';
import { Readable } from 'node:stream';
import { startTestClamd, TestClamd, TEST_SIGNATURE } from '../../testing/clamd-server';
import { eicar, picture, utf8Text } from '../../testing/bad-files';
import { ScannerUnavailableError } from '../file-scanner';
import { ClamdScanner } from './clamd-scanner';
import { NoScanner } from './no-scanner';
import { createFileScanner } from './scanner.provider';

// Real servers, images and large streams on a machine shared with other test workers.
jest.setTimeout(20_000);

/** A stream of `parts`, one chunk each (as a socket or a store would hand them over). */
const streamOf = (...parts: Buffer[]) => Readable.from(parts);

/** A free port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('ClamdScanner against a real clamd', () => {
  let clamd: TestClamd;
  let scanner: ClamdScanner;
  beforeAll(async () => {
    clamd = await startTestClamd({ streamMaxLength: '2M' });
    scanner = new ClamdScanner({ host: clamd.host, port: clamd.port, failOpen: false });
  }, 90_000);
  afterAll(() => clamd?.stop());

  it('finds the EICAR test file, alone or inside a larger file across chunk boundaries', async () => {
    expect(await scanner.ping()).toBe(true);
    expect(await scanner.scan(streamOf(eicar()))).toEqual({ clean: false, signature: TEST_SIGNATURE });

    const padding = Buffer.alloc(64 * 1024 - 30, 'a');
    const file = Buffer.concat([padding, eicar(), padding]);
    // Handed over in odd-sized pieces, so the signature is split between two INSTREAM chunks.
    const pieces = [file.subarray(0, 1000), file.subarray(1000, 70_000), file.subarray(70_000)];
    expect(await scanner.scan(streamOf(...pieces))).toEqual({ clean: false, signature: TEST_SIGNATURE });
  });

  it('passes clean files: text, an image, an empty file', async () => {
    expect(await scanner.scan(streamOf(utf8Text()))).toEqual({ clean: true });
    expect(await scanner.scan(streamOf(await picture('png', 800, 600)))).toEqual({ clean: true });
    expect(await scanner.scan(streamOf())).toEqual({ clean: true });
  });

  it("refuses a file larger than clamd's StreamMaxLength (it could not be scanned), or lets it through when failing open", async () => {
    const big = () => streamOf(...Array.from({ length: 5 }, () => Buffer.alloc(1024 * 1024, 'b')));
    await expect(scanner.scan(big())).rejects.toThrow(ScannerUnavailableError);
    await expect(scanner.scan(big())).rejects.toThrow(/larger than (the|its) StreamMaxLength/);
    const open = new ClamdScanner({ host: clamd.host, port: clamd.port, failOpen: true });
    expect(await open.scan(big())).toEqual({ clean: true });
    // clamd is still fine afterwards.
    expect(await scanner.scan(streamOf(eicar()))).toMatchObject({ clean: false });
  });

  it('passes on an error of the file itself, whatever the fail-open setting', async () => {
    const open = new ClamdScanner({ host: clamd.host, port: clamd.port, failOpen: true });
    const broken = new Readable({
      read() {
        this.destroy(new Error('disk read failed'));
      },
    });
    await expect(open.scan(broken)).rejects.toThrow('disk read failed');
  });
});

describe('ClamdScanner without a clamd', () => {
  it('refuses every file when clamd is unreachable (fail closed, the default)', async () => {
    const scanner = new ClamdScanner({ host: '127.0.0.1', port: await closedPort(), failOpen: false });
    expect(await scanner.ping()).toBe(false);
    const body = streamOf(utf8Text());
    await expect(scanner.scan(body)).rejects.toThrow(ScannerUnavailableError);
    await expect(scanner.scan(streamOf(utf8Text()))).rejects.toThrow(/clamd at 127\.0\.0\.1:\d+ is unreachable/);
    expect(body.destroyed).toBe(true);
  });

  it('lets files through when FILE_SCAN_FAIL_OPEN=true', async () => {
    const scanner = new ClamdScanner({ host: '127.0.0.1', port: await closedPort(), failOpen: true });
    expect(await scanner.scan(streamOf(eicar()))).toEqual({ clean: true });
  });

  it('gives up on a clamd that accepts the connection but never answers', async () => {
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    const scanner = new ClamdScanner({ host: '127.0.0.1', port, failOpen: false, timeoutMs: 300 });
    await expect(scanner.scan(streamOf(utf8Text()))).rejects.toThrow(ScannerUnavailableError);
    await new Promise((r) => silent.close(r));
  });
});

describe('choosing the scanner', () => {
  it('scans nothing with FILE_SCAN=none', async () => {
    const scanner = createFileScanner({ kind: 'none' });
    expect(scanner).toBeInstanceOf(NoScanner);
    expect(scanner.enabled).toBe(false);
    expect(await scanner.scan(streamOf(eicar()))).toEqual({ clean: true });
  });

  it('uses clamd with FILE_SCAN=clamd', () => {
    const scanner = createFileScanner({ kind: 'clamd', host: 'clamav', port: 3310, failOpen: false });
    expect(scanner).toBeInstanceOf(ClamdScanner);
    expect(scanner.enabled).toBe(true);
    expect((scanner as ClamdScanner).address).toBe('clamav:3310');
  });
});
