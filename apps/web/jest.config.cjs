/** Unit tests for the web app's plain logic (error mapping, validators, redirects). Components are covered by web-e2e. */
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'web',
  setupFiles: ['<rootDir>/src/test-setup.ts'],
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Angular ships ES modules only; compile them to CommonJS for Jest like the NestJS packages.
  transformIgnorePatterns: ['/node_modules/(?!(@angular|@nestjs|uid|file-type|strtok3|token-types|peek-readable|@tokenizer|uint8array-extras|load-esm)/)'],
};
