/** Writes how many tests passed and failed in this Jest run to tmp/test-results/<project>.json. */
const { mkdirSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

class CountReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', '..', 'tmp', 'test-results');
    mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
    };
    writeFileSync(join(dir, `${basename(this.rootDir)}.json`), JSON.stringify(counts));
  }
}

module.exports = CountReporter;
