#!/usr/bin/env bash
# The long fuzz run: N hostile and mutated inputs (default 10000) fed to a release build of docker-baseline in every
# report format, two at a time; writes OUT/summary.txt and summary.json and saves every failing input with its
# reproduction line under OUT/failures/. Exits 1 when an input failed. See docs/reliability.md.
#   scripts/fuzz.sh [N] [--seed S] [--out DIR] [--binary PATH] [--timeout SECONDS] [--jobs J]
set -euo pipefail
cd "$(dirname "$0")/.."

count=10000
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then count=$1; shift; fi
seed=1 out= binary= extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --seed) seed=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done
out=${out:-/tmp/docker-baseline-fuzz-$seed-$count}

if [[ -z $binary ]]; then
    echo "==> building docker-baseline (release)" >&2
    # A failed build must stop the run: fuzzing an older binary left in .build would prove nothing.
    binary=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed; nothing was fuzzed" >&2; exit 2; }
fi
[[ -x $binary ]] || { echo "no docker-baseline binary at $binary" >&2; exit 2; }

echo "==> fuzzing $binary: $count inputs, seed $seed, results in $out" >&2
exec python3 scripts/fuzz/fuzz.py --seed "$seed" --count "$count" --binary "$binary" --out "$out" --jobs 2 "${extra[@]}"
