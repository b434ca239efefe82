#!/usr/bin/env bash
# `npm test`: installs the real servers the tests start (Prometheus, a container registry) when they
# are missing, checks types and that dist/ is what the source builds, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npx tsc --noEmit
bash scripts/check-dist.sh
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI reader understands.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
exit "$status"
