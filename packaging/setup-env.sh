#!/bin/sh
# Shared by run.sh and test.sh: system libraries Qt needs, then .venv with chartreview.
# Usage: EXTRAS=dev; . packaging/setup-env.sh   (EXTRAS=dev adds the test tools; POSIX sh
# passes no arguments to a sourced file, hence the variable)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXTRAS=${EXTRAS:-}
QT_LIBS="libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0"
X_LIBS="xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1"
TOOLS="python3-venv poppler-utils desktop-file-utils appstream"
case " $EXTRAS " in
    # the team tests start a throw-away PostgreSQL cluster (TLS with an openssl certificate)
    *dev*) TOOLS="$TOOLS postgresql openssl" ;;
esac

missing=""
if command -v dpkg >/dev/null 2>&1; then
    for p in $QT_LIBS $X_LIBS $TOOLS; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing system packages:$missing"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "chartreview needs these system packages:$missing"
        echo "Install them with: sudo apt-get install$missing"
    fi
fi

if [ ! -x "$ROOT/.venv/bin/python" ]; then
    python3 -m venv "$ROOT/.venv"
fi
"$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >/dev/null
if [ -n "$EXTRAS" ]; then
    "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT[$EXTRAS]"
else
    "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT"
fi
