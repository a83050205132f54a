#!/bin/sh
# Install chartreview for the current user (into ~/.local) with its menu entry and icons.
#
#   sh install-desktop.sh              from an unpacked bundle (the copy inside
#                                      chartreview-x.y.z-linux-x86_64.tar.gz), or from the
#                                      repository after `sh packaging/build.sh`
#   sh packaging/install-desktop.sh --pip
#                                      from the source tree: a private virtualenv in
#                                      ~/.local/lib/chartreview/venv, `pip install` of the repo
#   sh install-desktop.sh --uninstall  removes the program, the menu entry and the icons;
#                                      projects and settings stay (see README, "Where things live")
#
# PREFIX (default ~/.local) changes the target. Nothing here needs root.
set -eu

APP_ID=io.github.chartreview.ChartReview
PREFIX=${PREFIX:-$HOME/.local}
LIBDIR="$PREFIX/lib/chartreview"
BINDIR="$PREFIX/bin"
SHARE="$PREFIX/share"
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES="16 24 32 48 64 128 256 512"

# Where the program and the desktop files come from: inside an unpacked bundle the script
# sits next to the `chartreview` executable and the files are in share/; in the repository
# they are in resources/ and the bundle (if built) in dist/chartreview/.
if [ -x "$HERE/chartreview" ] && [ -d "$HERE/_internal" ]; then
    BUNDLE=$HERE
    RES=$HERE/share
else
    ROOT=$(cd "$HERE/.." && pwd)
    BUNDLE=$ROOT/dist/chartreview
    RES=$ROOT/resources
fi

refresh_caches() {
    # menus and icon themes pick the change up without a new login when these exist
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$SHARE/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" 2>/dev/null || true
    fi
}

uninstall() {
    rm -rf "$LIBDIR"
    for name in chartreview chartreview-gui; do
        # only our own links: never a chartreview installed some other way
        if [ -L "$BINDIR/$name" ] && case "$(readlink "$BINDIR/$name")" in "$LIBDIR"/*) true ;; *) false ;; esac; then
            rm -f "$BINDIR/$name"
        fi
    done
    rm -f "$SHARE/applications/$APP_ID.desktop" "$SHARE/metainfo/$APP_ID.metainfo.xml"
    for s in $SIZES; do
        rm -f "$SHARE/icons/hicolor/${s}x${s}/apps/$APP_ID.png"
    done
    rm -f "$SHARE/icons/hicolor/scalable/apps/$APP_ID.svg"
    refresh_caches
    echo "chartreview removed from $PREFIX. Projects and settings were kept:"
    echo "  ${XDG_DATA_HOME:-$HOME/.local/share}/chartreview and ${XDG_CONFIG_HOME:-$HOME/.config}/chartreview"
}

install_files() {
    # $1: the executable the menu entry starts (absolute: ~/.local/bin is not always on PATH)
    exe=$1
    mkdir -p "$BINDIR" "$SHARE/applications" "$SHARE/metainfo"
    ln -sfn "$exe" "$BINDIR/chartreview"
    sed -e "s|^Exec=chartreview|Exec=$exe|" -e "s|^TryExec=chartreview|TryExec=$exe|" \
        "$RES/$APP_ID.desktop" > "$SHARE/applications/$APP_ID.desktop"
    cp "$RES/$APP_ID.metainfo.xml" "$SHARE/metainfo/$APP_ID.metainfo.xml"
    for s in $SIZES; do
        mkdir -p "$SHARE/icons/hicolor/${s}x${s}/apps"
        cp "$RES/icons/chartreview-$s.png" "$SHARE/icons/hicolor/${s}x${s}/apps/$APP_ID.png"
    done
    mkdir -p "$SHARE/icons/hicolor/scalable/apps"
    cp "$RES/icons/chartreview.svg" "$SHARE/icons/hicolor/scalable/apps/$APP_ID.svg"
    refresh_caches
    echo "Installed: $BINDIR/chartreview -> $exe; menu entry \"ChartReview\"."
    case ":$PATH:" in *":$BINDIR:"*) ;; *) echo "Add $BINDIR to PATH to type 'chartreview' in a terminal." ;; esac
}

case "${1:-}" in
    --uninstall)
        uninstall
        ;;
    --pip)
        ROOT=${ROOT:-}
        [ -f "$ROOT/pyproject.toml" ] || { echo "--pip runs from the source tree" >&2; exit 2; }
        rm -rf "$LIBDIR"
        mkdir -p "$LIBDIR"
        python3 -m venv "$LIBDIR/venv"
        "$LIBDIR/venv/bin/python" -m pip install -q "$ROOT"
        install_files "$LIBDIR/venv/bin/chartreview"
        ln -sfn "$LIBDIR/venv/bin/chartreview-gui" "$BINDIR/chartreview-gui"
        ;;
    "")
        if [ ! -x "$BUNDLE/chartreview" ]; then
            echo "No bundle at $BUNDLE: run 'sh packaging/build.sh' first, or use --pip." >&2
            exit 2
        fi
        if [ "$(cd "$BUNDLE" && pwd -P)" != "$(mkdir -p "$LIBDIR" && cd "$LIBDIR" && pwd -P)" ]; then
            rm -rf "$LIBDIR"
            mkdir -p "$LIBDIR"
            # copy the whole folder (the executable finds _internal/ next to itself)
            cp -R "$BUNDLE/." "$LIBDIR/"
        fi
        "$LIBDIR/chartreview" --version
        install_files "$LIBDIR/chartreview"
        ;;
    -h|--help)
        sed -n '2,15p' "$0"
        ;;
    *)
        echo "usage: install-desktop.sh [--pip | --uninstall]" >&2
        exit 2
        ;;
esac
