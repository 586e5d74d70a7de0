#!/usr/bin/env bash
# Benchmark (issue 3): `docker-baseline audit` against one bulk `docker inspect $(docker ps -aq)` on an engine with
# N containers (half running, half created), wall time and peak memory, median of R runs, in the same run.
#   benchmarks/containers.sh [N=200] [R=9]
# Needs a running dockerd and busybox; creates its own image and containers (label io.docker-baseline.bench=1)
# and removes them at the end (BENCH_KEEP=1 keeps them, for profiling).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
R=${2:-9}
LABEL=io.docker-baseline.bench=1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
[ -x /usr/bin/time ] || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

cleanup() {
    [ "${BENCH_KEEP:-}" = 1 ] && { rm -rf "${WORK:-}"; return; }
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    docker rmi -f dbb/base:1 >/dev/null 2>&1 || true
    rm -rf "${WORK:-}"
}
trap cleanup EXIT

WORK=$(mktemp -d)
mkdir -p "$WORK/root/bin"
cp "$(command -v busybox)" "$WORK/root/bin/busybox"
ln -s busybox "$WORK/root/bin/sleep"
tar -C "$WORK/root" -c . | docker import --change "LABEL $LABEL" - dbb/base:1 >/dev/null

echo "creating $N containers ($((N / 2)) running)…" >&2
for i in $(seq 1 "$N"); do
    if [ $((i % 2)) -eq 0 ]; then
        docker run -d --label "$LABEL" --name "dbb-$i" --memory 32m dbb/base:1 /bin/sleep 100000 >/dev/null
    else
        docker create --label "$LABEL" --name "dbb-$i" -p "127.0.0.1:$((20000 + i)):80" dbb/base:1 /bin/sleep 1 >/dev/null
    fi
done

swift build -c release --product docker-baseline >/dev/null 2>&1
BIN="$(swift build -c release --show-bin-path)/docker-baseline"
total=$(docker ps -aq | wc -l)

measure() { # label command… → appends "seconds kilobytes" to $WORK/label
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/one" "$@" >/dev/null 2>"$WORK/err" || true
    cat "$WORK/one" >> "$WORK/$label"
}

# Warm up both, then alternate so neither gets a systematically warmer engine.
"$BIN" audit --format json --fail-on none >/dev/null
docker inspect $(docker ps -aq) >/dev/null
for _ in $(seq 1 "$R"); do
    measure audit "$BIN" audit --format json --fail-on none
    measure inspect sh -c 'docker inspect $(docker ps -aq)'
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
audit_s=$(awk '{print $1}' "$WORK/audit" | median)
audit_kb=$(awk '{print $2}' "$WORK/audit" | median)
inspect_s=$(awk '{print $1}' "$WORK/inspect" | median)
inspect_kb=$(awk '{print $2}' "$WORK/inspect" | median)
results=$("$BIN" audit --format json --fail-on none | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')

echo
echo "| $total containers ($(docker ps -q | wc -l) running), median of $R | wall time (s) | peak RSS (MiB) |"
echo "|---|---|---|"
printf '| docker-baseline audit (%s results) | %s | %.1f |\n' "$results" "$audit_s" "$(echo "$audit_kb / 1024" | bc -l)"
printf '| docker inspect $(docker ps -aq) | %s | %.1f |\n' "$inspect_s" "$(echo "$inspect_kb / 1024" | bc -l)"
printf '| ratio audit / inspect | %.2f× | %.2f× |\n' "$(echo "$audit_s / $inspect_s" | bc -l)" "$(echo "$audit_kb / $inspect_kb" | bc -l)"
