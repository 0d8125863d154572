/** API end-to-end tests: the built server as a child process on a temp SQLite file (and PostgreSQL), over HTTP. */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
