#!/usr/bin/env bash
# Builds docker-baseline (release) and audits this host's Docker engine. Arguments go to `docker-baseline audit`,
# e.g. scripts/audit.sh --format json -o report.json. Reads only: nothing on the host is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/build-release.sh) || exit 3
exec "$bin" audit "$@"
