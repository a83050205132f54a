#!/bin/sh
# Install chartreview with its test tools into .venv and run the checks and the tests.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXTRAS=dev
. "$ROOT/packaging/setup-env.sh"
cd "$ROOT"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/lint-imports --no-cache
.venv/bin/ruff check chartreview tests benchmarks
.venv/bin/python -m pytest "$@"
