import { freePort } from '@parley/testing';
import { ChildProcess, spawn } from 'node:child_process';

export interface PrivateRedis {
  url: string;
  /** Kills the server at once (SIGKILL): nothing is saved, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A memory-only redis-server of the test's own on a free port (the shared one on 6379 is left alone), which
 * the test can kill and start again.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
    proc = p;
    await new Promise<void>((ok, fail) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) {
          p.stdout!.off('data', onData);
          p.stdout!.resume();
          ok();
        }
      };
      p.stdout!.on('data', onData);
      p.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${seen}`)));
    });
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}
