#!/bin/sh
# Install chartreview into .venv (and, as root, the system libraries Qt needs) and start it.
# On first start it builds and opens the demo project. Arguments go to chartreview.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/packaging/setup-env.sh"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
    echo "No display found: starting chartreview under a virtual X server (xvfb-run)."
    exec xvfb-run -a "$ROOT/.venv/bin/chartreview" "$@"
fi
exec "$ROOT/.venv/bin/chartreview" "$@"
