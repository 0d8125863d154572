/** API end-to-end tests: the built server as a child process on a temp SQLite file (and PostgreSQL), over HTTP. */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  // Files marked `@long-running` first (see the sequencer).
  testSequencer: require.resolve('../../tools/scripts/jest-sequencer.cjs'),
  // Four files at a time on a 2-core machine: many of them wait on the clock (reminders falling due, restarts,
  // background re-encryption). With two the CPU stood idle a fifth of the run (vmstat) and the suite took
  // 668 s; with three 589 s; later, with three 298 s and four 250 s (every test passing).
  maxWorkers: 4,
};
