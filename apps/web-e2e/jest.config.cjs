/** Browser tests: the built API serving the built web app, driven by Chromium through playwright-core. */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  // Files marked `@long-running` first (see the sequencer).
  testSequencer: require.resolve('../../tools/scripts/jest-sequencer.cjs'),
  // Two files at a time (each its own server and Chromium). One at a time left ~35 % of this 2-core machine
  // idle (vmstat) and took 579 s in CI; two took 415 s and 403 s, every test passing, the CPU ~91 % busy.
  maxWorkers: 2,
};
