// Preloaded into the server by `--case history --cpu-prof DIR` (NODE_OPTIONS does not accept --cpu-prof):
// the same V8 CPU profile, started at load and written to $BENCH_CPU_PROF_DIR when the server is stopped.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 });
session.post('Profiler.start');
let written = false;
function write() {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(join(process.env.BENCH_CPU_PROF_DIR, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
// At the first SIGTERM (the bench stops the server with it; Nest then re-raises it, which ends the process
// without an 'exit' event), or at exit, whichever comes first.
process.once('SIGTERM', write);
process.on('exit', write);
