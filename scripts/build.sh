#!/usr/bin/env bash
# Builds what the runner (main and post entries) and the CLI execute, into dist/ or the directory given (check-dist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
# From empty: a chunk an earlier build left behind would otherwise stay in dist/ and be committed.
rm -rf "$out"
npx ncc build src/index.ts -o "$out" --minify --transpile-only --license licenses.txt --quiet
# The post step's own entry (action.yml `post`): which step runs never depends on saved state.
npx ncc build src/post-entry.ts -o "$out/post" --minify --transpile-only --quiet
npx ncc build src/cli.ts -o "$out/cli" --minify --transpile-only --quiet
