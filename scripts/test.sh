#!/usr/bin/env bash
# `npm test`: installs the real servers the tests start (Prometheus, a container registry, nginx, HAProxy) when they
# are missing, checks types, lint (ESLint, Prettier) and that dist/ is what the source builds, then runs every test. The
# suites that start dist/ as the runner does, and the proxy suite, run a second time on Node 24, the
# runtime action.yml declares; in CI a missing Node 24 fails, elsewhere that pass is skipped, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npx tsc --noEmit
if ! npm run --silent lint; then
  echo "lint failed (findings above): 'npm run fix' rewrites the formatting and what ESLint can fix; the rest is by hand." >&2
  exit 1
fi
bash scripts/check-dist.sh
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results/main.json" "$@" || status=$?

if [ $# -eq 0 ]; then
  if node24=$(bash scripts/node24.sh); then
    echo "== The runner-level suites again, on Node $("$node24" --version)"
    PATH="$(dirname "$node24"):$PATH" npx vitest run --reporter=default --reporter=json --outputFile="$results/node24.json" \
      test/action test/strategies test/http/proxy.test.ts || status=$?
  elif [ "${CI:-}" = true ]; then
    echo "Node 24 is not available: the runner-level suites did not run on the action's runtime." >&2
    status=1
  else
    echo "skipped: the runner-level suites on Node 24 (no Node 24 build for this machine)"
  fi
fi

# One plain closing line that any CI reader understands.
node -e '
  const runs = process.argv.slice(1).map((file) => JSON.parse(require("fs").readFileSync(file, "utf8")));
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
' "$results"/*.json || true
exit "$status"
