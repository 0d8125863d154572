// Preloaded into the Parley server by the idle-sockets benchmark (node --expose-gc -r server-probe.cjs):
// answers memory questions from the benchmark over the IPC channel. It adds nothing else to the server.
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (!msg || msg.type !== 'bench:memory') return;
    if (msg.gc && typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    process.send({ type: 'bench:memory', id: msg.id, usage: process.memoryUsage() });
  });
  // The channel must not keep the server alive once it shuts down.
  process.channel.unref();
}
