/** Unit tests for the API: services against a real SQLite database in a temp directory. */
module.exports = {
  displayName: 'api',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.(ts|m?js)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // NestJS 12 ships as ES modules; Node loads them with require(esm), but Jest's module system cannot, so they
  // are compiled to CommonJS like our own files.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid|file-type|strtok3|token-types|peek-readable|@tokenizer|uint8array-extras|load-esm)/)'],
  moduleNameMapper: { '^@parley/contracts$': '<rootDir>/../../libs/contracts/src/index.ts' },
};
