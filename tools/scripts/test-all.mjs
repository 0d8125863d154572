// `npm test`: lint, type-checking of the test code and unit tests for every project, then the end-to-end suites (API, then browser) one at a
// time, each against a freshly built server. Nx's cache is skipped so every test really runs.
import { spawnSync } from 'node:child_process';

const nx = (args) => {
  const res = spawnSync('npx', ['nx', ...args, '--skip-nx-cache', '--outputStyle=static'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.status !== 0) process.exit(res.status ?? 1);
};

const started = Date.now();
nx(['run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2']);
nx(['run-many', '-t', 'e2e', '--parallel=1']);
console.log(`\nAll tests passed in ${Math.round((Date.now() - started) / 1000)} s`);
