#!/usr/bin/env bash
# Builds docker-baseline (release) and installs it: the command on PATH, the docker CLI plugin (`docker baseline …`),
# shell completions (bash, zsh, fish) and a man page.
#   scripts/install.sh [--prefix DIR] [--binary PATH]
# --binary installs a docker-baseline already built instead of building one. Default prefix: /usr/local as root, else ~/.local. The plugin goes to the system plugin directory as root
# (/usr/local/lib/docker/cli-plugins), else $DOCKER_CONFIG/cli-plugins (~/.docker/cli-plugins). Nothing else on the
# host is changed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
bin=
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --binary) bin=${2:?--binary needs a path}; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument $1 (expected --prefix DIR, --binary PATH)" >&2; exit 2 ;;
    esac
done
# The docker CLI looks for plugins in its configuration directory ($DOCKER_CONFIG, default ~/.docker) and the system's.
if [ "$(id -u)" = 0 ] && [ "$prefix" = /usr/local ] && [ -z "${DOCKER_CONFIG:-}" ]; then
    plugins=/usr/local/lib/docker/cli-plugins
else
    plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
fi

command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
command -v swift >/dev/null 2>&1 || { echo "install.sh: swift not found (expected in PATH or /opt/swift/usr/bin)" >&2; exit 1; }

if [ -z "$bin" ]; then
    bin=$(scripts/build-release.sh) || { echo "install.sh: the build failed" >&2; exit 1; }
fi
[ -x "$bin" ] || { echo "install.sh: $bin is not an executable" >&2; exit 1; }

install -d "$prefix/bin" "$plugins" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
    "$prefix/share/fish/vendor_completions.d" "$prefix/share/man/man1"
install -m 0755 "$bin" "$prefix/bin/docker-baseline"
ln -sf "$prefix/bin/docker-baseline" "$plugins/docker-baseline"
"$bin" --generate-completion-script bash > "$prefix/share/bash-completion/completions/docker-baseline"
"$bin" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_docker-baseline"
"$bin" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/docker-baseline.fish"
# The manual is generated from the commands' own help by swift-argument-parser's generate-manual tool (its package is
# already checked out by the build), run on the installed binary.
manual=$(mktemp -d)
trap 'rm -rf "$manual"' EXIT
[ -d .build/checkouts/swift-argument-parser ] || swift package resolve >/dev/null 2>&1 || true
if swift run --package-path .build/checkouts/swift-argument-parser --scratch-path .build/generate-manual generate-manual \
    "$prefix/bin/docker-baseline" --multi-page --output-directory "$manual" >/dev/null 2>&1; then
    find "$manual" -name '*.1' -exec install -m 0644 {} "$prefix/share/man/man1/" \;
else
    echo "install.sh: the man page could not be generated (the rest is installed)" >&2
fi

echo "installed: $prefix/bin/docker-baseline, the docker plugin in $plugins (docker baseline --help), completions and man pages under $prefix/share" >&2
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" >&2 ;; esac
