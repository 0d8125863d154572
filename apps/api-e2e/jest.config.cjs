/** API end-to-end tests: the built server as a child process on a temp SQLite file (and PostgreSQL), over HTTP. */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  // Three files at a time on a 2-core machine: many of them wait on the clock (reminders falling due, restarts,
  // background re-encryption), and with two the CPU stood idle a fifth of the run (vmstat); with three the
  // whole suite took 589 s instead of 668 s, every test passing.
  maxWorkers: 3,
};
