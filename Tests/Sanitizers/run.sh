#!/usr/bin/env bash
# Runs the suites that exercise cross-thread code under ThreadSanitizer, in .build-tsan so the ordinary build
# stays as it is. A data race or a use after free that TSan reports makes the test process exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUITES="${1:-MultiDriverRaceTests}"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" \
  swift test --skip-build --sanitize=thread --scratch-path .build-tsan --no-parallel --filter "$SUITES"
