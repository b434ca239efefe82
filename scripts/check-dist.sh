#!/usr/bin/env bash
# Fails when the committed dist/ is not what the source builds: the runner executes dist/, not src/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash scripts/build.sh "$out/dist" >/dev/null
if ! diff -r -q dist "$out/dist"; then
  echo "dist/ is stale: run 'npm run build' and commit dist/." >&2
  exit 1
fi
echo "dist/ is up to date"
