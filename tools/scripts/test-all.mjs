// `npm test`: lint, type-checking of the test code and unit tests for every project, then the two end-to-end
// projects (API and browser) one after the other, against freshly built servers (their jest configs run four
// API files or two browser files at a time, the long-running ones first). Nx's cache is skipped so every test
// really runs. Ends with one line counting every test run by Jest.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = join('tmp', 'test-results');

function summary() {
  if (!existsSync(RESULTS)) return { passed: 0, failed: 0 };
  let passed = 0;
  let failed = 0;
  for (const file of readdirSync(RESULTS).filter((f) => f.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(RESULTS, file), 'utf8'));
    passed += r.passed;
    failed += r.failed;
  }
  return { passed, failed };
}

/** Prints the `n` test files that took longest (where CI's time goes). */
function slowest(n) {
  if (!existsSync(RESULTS)) return;
  const files = readdirSync(RESULTS)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(RESULTS, f), 'utf8')).files ?? [])
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, n);
  console.log(`\nSlowest test files:`);
  for (const { file, seconds } of files) console.log(`${seconds.toFixed(0).padStart(6)} s  ${file}`);
}

function nx(args) {
  const phaseStarted = Date.now();
  const res = spawnSync('npx', ['nx', ...args, '--skip-nx-cache', '--outputStyle=static'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.status !== 0) {
    const { passed, failed } = summary();
    console.log(`\ntests: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(res.status ?? 1);
  }
  console.log(`\n${args.slice(0, 5).join(' ')}: ${Math.round((Date.now() - phaseStarted) / 1000)} s`);
}

rmSync(RESULTS, { recursive: true, force: true });
const started = Date.now();
nx(['run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2']);
nx(['run-many', '-t', 'e2e', '--parallel=1']);
const { passed, failed } = summary();
slowest(10);
console.log(`\nAll checks passed in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
