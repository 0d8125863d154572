import { Logger } from '@nestjs/common';
import { connect, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { FileScanner, ScannerUnavailableError, ScanResult } from '../file-scanner';

export interface ClamdOptions {
  host: string;
  port: number;
  /** Let files through (with a warning in the log) when clamd cannot scan them. */
  failOpen: boolean;
  /** Give up on a silent clamd after this long (connecting, or waiting between two packets). */
  timeoutMs?: number;
}

/** clamd reads INSTREAM in chunks of at most this many bytes each (a 4-byte length, then the bytes). */
const CHUNK = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
/** How long `ping` waits: a clamd that does not answer in 5 s is not ready for uploads anyway. */
const PING_TIMEOUT_MS = 5_000;

/** clamd's answers to INSTREAM (it ends each with NUL, having been sent the `z` form of the command). */
const CLEAN = /^stream: OK$/;
const FOUND = /^stream: (.+) FOUND$/;
const TOO_LARGE = /size limit exceeded/i;

/**
 * Scans with ClamAV's daemon over TCP, streaming the file with the INSTREAM command: nothing is written to
 * disk on either side, and the file is never held whole in memory. clamd refuses streams over its
 * `StreamMaxLength` (25 MB unless set): such a file could not be scanned, which is treated like an
 * unreachable clamd (refused unless FILE_SCAN_FAIL_OPEN=true). Set it at least as large as FILE_MAX_BYTES.
 */
export class ClamdScanner implements FileScanner {
  readonly enabled = true;
  private readonly logger = new Logger(ClamdScanner.name);
  private readonly timeoutMs: number;

  constructor(private readonly options: ClamdOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /**
   * The verdict on `body` (consumed, and destroyed if the scan ends early). Throws ScannerUnavailableError when
   * clamd cannot give one and the scanner fails closed; an error of `body` itself is passed on as it is.
   */
  async scan(body: Readable): Promise<ScanResult> {
    try {
      return await this.instream(body);
    } catch (err) {
      body.destroy();
      if (!(err instanceof ScannerUnavailableError) || !this.options.failOpen) throw err;
      this.logger.warn(`File let through unscanned (FILE_SCAN_FAIL_OPEN=true): ${err.message}`);
      return { clean: true };
    }
  }

  /** True when clamd answers PING within `timeoutMs` (a question about now: it waits less than a scan may). */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
    try {
      const socket = await this.connect(timeoutMs);
      const reply = this.replyOf(socket);
      socket.end('zPING\0');
      return (await reply) === 'PONG';
    } catch {
      return false;
    }
  }

  private async instream(body: Readable): Promise<ScanResult> {
    const socket = await this.connect();
    const progress = { sent: 0 };
    try {
      const reply = this.replyOf(socket, progress);
      // clamd may answer before the end (a stream over its limit): stop sending then.
      let answered = false;
      void reply.then(
        () => (answered = true),
        () => (answered = true),
      );
      await this.send(socket, Buffer.from('zINSTREAM\0', 'latin1'));
      for await (const chunk of body as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let at = 0; at < bytes.length && !answered; at += CHUNK) {
          const piece = bytes.subarray(at, at + CHUNK);
          const length = Buffer.alloc(4);
          length.writeUInt32BE(piece.length);
          await this.send(socket, Buffer.concat([length, piece]));
          progress.sent += piece.length;
        }
        if (answered) break;
      }
      if (!answered) await this.send(socket, Buffer.alloc(4));
      return this.verdict(await reply);
    } finally {
      socket.destroy();
    }
  }

  private verdict(reply: string): ScanResult {
    if (CLEAN.test(reply)) return { clean: true };
    const found = FOUND.exec(reply);
    if (found) return { clean: false, signature: found[1] };
    if (TOO_LARGE.test(reply)) {
      return this.unavailable(`the file is larger than the StreamMaxLength of clamd at ${this.address}`);
    }
    return this.unavailable(`clamd at ${this.address} answered ${JSON.stringify(reply.slice(0, 200))}`);
  }

  private unavailable(message: string): never {
    throw new ScannerUnavailableError(`Malware scan failed: ${message}`);
  }

  private connect(timeoutMs = this.timeoutMs): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      socket.setTimeout(timeoutMs);
      const fail = (err: Error) => {
        socket.destroy();
        reject(new ScannerUnavailableError(`Malware scan failed: clamd at ${this.address} is unreachable (${err.message})`));
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new Error('timed out')));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.removeAllListeners('timeout');
        resolve(socket);
      });
    });
  }

  /** clamd's one reply: everything up to the NUL (or the end of the connection). */
  private replyOf(socket: Socket, progress = { sent: 0 }): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const finish = () => (text ? resolve(text.replace(/\0[\s\S]*$/, '').trim()) : reject(this.lost('closed the connection without an answer')));
      socket.on('data', (data: Buffer) => {
        text += data.toString('utf8');
        if (text.includes('\0')) finish();
      });
      socket.once('end', finish);
      socket.once('close', finish);
      // A write after clamd stopped reading fails; what it said before that still counts. Its answer can be
      // lost in that race: clamd only hangs up mid-stream on a file over its StreamMaxLength (or if it failed).
      socket.on('error', (err) => {
        if (text) finish();
        else if (progress.sent > 0) reject(this.lost(`stopped reading after ${progress.sent} bytes (${err.message}): the file is larger than its StreamMaxLength, or clamd failed`));
        else reject(this.lost(err.message));
      });
      socket.once('timeout', () => socket.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
    });
  }

  private lost(why: string): ScannerUnavailableError {
    return new ScannerUnavailableError(`Malware scan failed: clamd at ${this.address} ${why}`);
  }

  /** Writes, waiting for the socket to drain (or close: the reply then says why). */
  private async send(socket: Socket, data: Buffer): Promise<void> {
    if (socket.destroyed || socket.writableEnded) return;
    if (socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}
