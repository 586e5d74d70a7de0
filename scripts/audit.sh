#!/usr/bin/env bash
# Builds docker-baseline (release) and audits this host's Docker engine. Arguments go to `docker-baseline audit`,
# e.g. scripts/audit.sh --format json -o report.json. Reads only: nothing on the host is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
bin="$(swift build -c release --show-bin-path)/docker-baseline"
[ -x "$bin" ] || echo "building docker-baseline (release; the first build takes several minutes)…" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
# Progress lines ([n/total] …) go to the terminal; the whole log is kept to show errors.
set +e
swift build -c release --product docker-baseline 2>&1 | tee "$build_log" | grep --line-buffered -E '^\[[0-9]+/[0-9]+\]' >&2
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ] || ! [ -x "$bin" ]; then
    grep -E 'error:' "$build_log" >&2 || tail -50 "$build_log" >&2
    exit 3
fi
exec "$bin" audit "$@"
