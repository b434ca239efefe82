#!/usr/bin/env bash
# `npm run bench`: every benchmark under bench/, each printing its figures. Nothing here asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
for file in bench/*.mjs bench/*.ts; do
  [ -e "$file" ] || continue
  case "$file" in */lib.mjs) continue ;; esac
  echo "== $file"
  if [[ "$file" == *.ts ]]; then npx tsx "$file"; else node "$file"; fi
  echo
done
