#!/usr/bin/env bash
# `npm test`: installs the real servers the tests start (Prometheus, a container registry) when they
# are missing, checks types and that dist/ is what the source builds, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npx tsc --noEmit
bash scripts/check-dist.sh
npx vitest run
