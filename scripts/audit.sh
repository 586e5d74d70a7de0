#!/usr/bin/env bash
# Builds docker-baseline (release) and audits this host's Docker engine. Arguments go to `docker-baseline audit`,
# e.g. scripts/audit.sh --format json -o report.json. Reads only: nothing on the host is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
build_log=$(mktemp)
if ! swift build -c release --product docker-baseline >"$build_log" 2>&1; then
    grep -E 'error:' "$build_log" >&2 || tail -50 "$build_log" >&2
    rm -f "$build_log"
    exit 3
fi
rm -f "$build_log"
exec "$(swift build -c release --show-bin-path)/docker-baseline" audit "$@"
