import type { Worker } from 'node:worker_threads';

/**
 * Resolves when a worker thread posts `{ type: 'ready' }`; rejects if it fails, exits or says anything else
 * first. Only its own listeners are removed afterwards: `worker.removeAllListeners()` would also remove the
 * ones Node keeps on a Worker to deliver its messages, and no later message would arrive.
 */
export function workerReady(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onMessage = (m: { type?: string }) => done(m?.type === 'ready' ? undefined : new Error(`unexpected message ${JSON.stringify(m)}`));
    const onError = (err: Error) => done(err);
    const onExit = (code: number) => done(new Error(`exited with code ${code}`));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
