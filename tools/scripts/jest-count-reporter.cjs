/**
 * Writes how many tests passed and failed in this Jest run, and how long each test file took, to
 * tmp/test-results/<project>.json (for `npm test`'s closing lines).
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { basename, join, relative } = require('node:path');

const WORKSPACE = join(__dirname, '..', '..');

class CountReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = join(WORKSPACE, 'tmp', 'test-results');
    mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      files: results.testResults.map((r) => ({ file: relative(WORKSPACE, r.testFilePath), seconds: (r.perfStats.end - r.perfStats.start) / 1000 })),
    };
    writeFileSync(join(dir, `${basename(this.rootDir)}.json`), JSON.stringify(counts));
  }
}

module.exports = CountReporter;
