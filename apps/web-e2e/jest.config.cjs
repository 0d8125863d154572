/** Browser tests: the built API serving the built web app, driven by Chromium through playwright-core. */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
};
