import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eicar } from './bad-files';
import { freePort } from './free-port';

/** Debian's clamav-daemon (`.ci/run` installs it when missing). */
export const CLAMD_PATH = '/usr/sbin/clamd';

/** The name clamd gives a match of the test database's one signature (clamd adds `.UNOFFICIAL`). */
export const TEST_SIGNATURE = 'Parley.Test.EICAR.UNOFFICIAL';

export interface TestClamd {
  host: string;
  port: number;
  /** The environment that makes an API process scan with this clamd. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    socket.on('close', () => resolve(reply.startsWith('PONG')));
    socket.on('error', () => resolve(false));
  });
}

/**
 * A real clamd for one test file: its own temp dir holds a one-signature database (the official ones cannot
 * be downloaded here, and would take a minute to load): the EICAR test file's bytes as an `.ndb` body
 * signature, so EICAR is found anywhere in a file. It listens on a free port of 127.0.0.1 and is stopped by
 * `stop`. `streamMaxLength` is clamd's own limit (e.g. `1M`).
 */
export async function startTestClamd(options: { streamMaxLength?: string } = {}): Promise<TestClamd> {
  if (!existsSync(CLAMD_PATH)) throw new Error(`${CLAMD_PATH} is missing: apt-get install clamav-daemon`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-clamd-'));
  const port = await freePort();
  writeFileSync(join(dir, 'parley-test.ndb'), `Parley.Test.EICAR:0:*:${eicar().toString('hex')}\n`);
  const log = join(dir, 'clamd.log');
  writeFileSync(
    join(dir, 'clamd.conf'),
    [
      'Foreground yes',
      `DatabaseDirectory ${dir}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LogFile ${log}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      `StreamMaxLength ${options.streamMaxLength ?? '100M'}`,
      'MaxThreads 4',
      'SelfCheck 0',
      'Bytecode no',
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(CLAMD_PATH, ['-c', join(dir, 'clamd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 60_000;
  while (!(await ping(port))) {
    if (!running || Date.now() > deadline) {
      proc.kill('SIGKILL');
      const logged = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`clamd did not start: ${stderr}${logged}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1',
    port,
    env: () => ({ FILE_SCAN: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(port) }),
    stop: async () => {
      if (running) {
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
