import { ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export interface TestRedis {
  url: string;
  /** A client on it (closed by `stop`). */
  client: Redis;
  stop(): Promise<void>;
}

/** A private, memory-only redis-server on a free port for one test file (the shared one on 6379 is left alone). */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    let seen = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) ok();
    });
    proc.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${seen}`)));
  });
  proc.stdout!.resume();
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url);
  await new Promise((ok) => client.once('ready', ok));
  return {
    url,
    client,
    stop: async () => {
      client.disconnect();
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}
