/**
 * Shared Jest settings: TypeScript through SWC (with decorator metadata, which Nest's DI needs), and the
 * workspace path aliases. Each project's jest.config.cjs spreads this and adds its own test match.
 */
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  // The count reporter leaves tmp/test-results/<project>.json for `npm test`'s closing line.
  reporters: ['default', path.join(__dirname, 'tools/scripts/jest-count-reporter.cjs')],
  transform: { '^.+\\.(ts|m?js)$': swc },
  // NestJS 12 ships as ES modules; Node loads them with require(esm), but Jest's module system cannot, so they
  // are compiled to CommonJS like our own files. Everything else in node_modules is left alone.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@tus|srvx|uid|file-type|strtok3|token-types|peek-readable|@tokenizer|uint8array-extras|load-esm|@borewit)/)'],
  moduleNameMapper: {
    '^@parley/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
    '^@parley/testing$': path.join(__dirname, 'libs/testing/src/index.ts'),
    // file-type's export map offers Node only `import`/`module-sync` entries, which Jest's resolver does not
    // ask for; its Node entry is named directly (and compiled to CommonJS like the packages above).
    '^file-type$': path.join(__dirname, 'node_modules/file-type/index.js'),
  },
};
