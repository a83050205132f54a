#!/bin/sh
# Build the one-folder bundle dist/chartreview/ with PyInstaller, check it with its own
# --self-test (offscreen), and pack dist/chartreview-<version>-linux-x86_64.tar.gz.
#
#   sh packaging/build.sh            # uses (and if needed creates) .venv
#
# Env: DIST (default dist), WORK (default build/pyinstaller) to build elsewhere.
# On Windows and macOS run the same spec by hand:
#   pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/chartreview.spec
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIST=${DIST:-$ROOT/dist}
WORK=${WORK:-$ROOT/build/pyinstaller}

if [ ! -x .venv/bin/python ]; then
    EXTRAS=package
    . "$ROOT/packaging/setup-env.sh"
fi
# the "package" extra: pyinstaller (kept out of "dev" so CI does not pay for it unless it
# builds; the slow test installs it on demand)
.venv/bin/python -c "import PyInstaller" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[package]"

VERSION=$(.venv/bin/python -c "import chartreview; print(chartreview.__version__)")
ARCH=$(uname -m)
case "$(uname -s)" in
    Linux) OS=linux ;;
    Darwin) OS=macos ;;
    *) OS=$(uname -s | tr '[:upper:]' '[:lower:]') ;;
esac

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/chartreview.spec
built=$(date +%s)
echo "built $DIST/chartreview in $((built - start)) s ($(du -sh "$DIST/chartreview" | cut -f1))"

# the frozen app must find its assets and hidden imports: import, score, window, exit 0
QT_QPA_PLATFORM=offscreen "$DIST/chartreview/chartreview" --self-test

TARBALL="$DIST/chartreview-$VERSION-$OS-$ARCH.tar.gz"
tar -C "$DIST" -czf "$TARBALL" chartreview
echo "packed $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
