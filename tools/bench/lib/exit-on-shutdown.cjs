// Preloaded into a server run with --cpu-prof (npm run bench -- --profile DIR). Node writes the CPU profile
// only when the process exits normally, while Nest's shutdown hook ends the process by re-sending the
// signal to itself after closing the app. This turns that second signal (or a shutdown that takes too
// long) into process.exit(), so the profile is written. It changes nothing else.
const { setTimeout } = require('node:timers');

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(0);
    setTimeout(() => process.exit(0), 8000).unref();
  });
}
