#!/usr/bin/env bash
# Builds the release docker-baseline and prints the binary's path; every script that needs the release binary gets
# it here. The Swift runtime and Foundation are linked into it (--static-swift-stdlib): it runs on a host without
# Swift, starts faster and touches less memory (docs/benchmarks.md). Progress lines go to standard error; on a
# failed build, its errors do, and the exit status is 1.
#   bin=$(scripts/build-release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
command -v swift >/dev/null 2>&1 || { echo "build-release.sh: swift not found (expected in PATH or /opt/swift/usr/bin)" >&2; exit 1; }
# The C libraries the build links: zlib (image layers) and SQLite (the watch journal and the audit history).
missing=()
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]} (needed to build)…" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null
    else
        echo "build-release.sh: install ${missing[*]} first (Debian package names)" >&2
        exit 1
    fi
fi
flags=(-c release --static-swift-stdlib)
bin="$(swift build "${flags[@]}" --show-bin-path)/docker-baseline"
[ -x "$bin" ] || echo "building docker-baseline (release; the first build takes several minutes)…" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift build "${flags[@]}" --product docker-baseline 2>&1 | tee "$log" | grep --line-buffered -E '^\[[0-9]+/[0-9]+\]' >&2
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ] || ! [ -x "$bin" ]; then
    grep -E 'error' "$log" >&2 || tail -50 "$log" >&2
    echo "build-release.sh: the release build failed" >&2
    exit 1
fi
echo "$bin"
