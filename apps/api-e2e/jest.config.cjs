/** API end-to-end tests: the built server as a child process on a temp SQLite file (and PostgreSQL), over HTTP. */
module.exports = {
  displayName: 'api-e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: {
    '^@parley/contracts$': '<rootDir>/../../libs/contracts/src/index.ts',
    '^@parley/testing$': '<rootDir>/../../libs/testing/src/index.ts',
  },
};
