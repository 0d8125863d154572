/**
 * Test order for the end-to-end projects: files whose leading docblock carries `@long-running` (a minute or
 * more: reminders falling due, restarts, background re-encryption, many browser pages) start first, then the
 * rest in Jest's own order (failed and slowest first by the last run's timings, else the largest files first).
 *
 * Jest keeps those timings in its cache under /tmp, which a fresh CI machine does not have: there the
 * three-minute reminders file started a third of the way in and ran on alone at the end.
 */
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;
const { extract, parse } = require('jest-docblock');

function isLongRunning(path) {
  return 'long-running' in parse(extract(readFileSync(path, 'utf8')));
}

class LongRunningFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const long = new Set(ordered.filter((test) => isLongRunning(test.path)));
    return [...ordered.filter((test) => long.has(test)), ...ordered.filter((test) => !long.has(test))];
  }
}

module.exports = LongRunningFirst;
