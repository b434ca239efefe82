#!/usr/bin/env bash
# Builds what the runner and the CLI execute, into dist/ or the directory given (check-dist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
npx ncc build src/index.ts -o "$out" --minify --transpile-only --license licenses.txt --quiet
node scripts/commonjs-entry.mjs "$out/index.js"
npx ncc build src/cli.ts -o "$out/cli" --minify --transpile-only --quiet
