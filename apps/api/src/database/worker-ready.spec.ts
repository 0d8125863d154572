import { Worker } from 'node:worker_threads';
import { workerReady } from './worker-ready';

const worker = (code: string) => new Worker(`const { parentPort } = require('node:worker_threads');\n${code}`, { eval: true });

describe('workerReady', () => {
  it('resolves on the ready message, and the worker’s later answers still arrive', async () => {
    const w = worker(`parentPort.on('message', (m) => parentPort.postMessage({ echo: m })); parentPort.postMessage({ type: 'ready' });`);
    try {
      await workerReady(w);
      const answer = new Promise((resolve) => w.on('message', resolve));
      w.postMessage('ping');
      await expect(answer).resolves.toEqual({ echo: 'ping' });
    } finally {
      await w.terminate();
    }
  });

  it('rejects when the worker says something else first, throws or exits', async () => {
    await expect(workerReady(worker(`parentPort.postMessage({ type: 'nope' }); setTimeout(() => {}, 50);`))).rejects.toThrow('unexpected message {"type":"nope"}');
    await expect(workerReady(worker(`throw new Error('cannot open the file');`))).rejects.toThrow('cannot open the file');
    await expect(workerReady(worker(`process.exit(3);`))).rejects.toThrow('exited with code 3');
  });
});
