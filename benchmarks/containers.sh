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
for tool in time hyperfine bc; do
    command -v "$tool" >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done

remove_bench_objects() {
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    ids=$(docker images -q --filter "label=$LABEL" | sort -u)
    [ -z "$ids" ] || docker rmi -f $ids >/dev/null 2>&1 || true
}
cleanup() {
    [ "${BENCH_KEEP:-}" = 1 ] || remove_bench_objects
    rm -rf "${WORK:-}"
}
trap cleanup EXIT
remove_bench_objects

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

BIN=$(scripts/build-release.sh 2>/dev/null)
total=$(docker ps -aq | wc -l)

# Wall time: hyperfine (no shell in between, 3 warm-up runs, R runs each), medians. Peak memory: /usr/bin/time, median of R.
commands=(
    "$BIN audit --format json --fail-on none"
    "$BIN audit --fail-on none"
    "$BIN audit --format json --fail-on none --processes engine"
    "sh -c 'docker inspect \$(docker ps -aq)'"
)
labels=(
    "docker-baseline audit --format json"
    "docker-baseline audit (text)"
    "docker-baseline audit --format json --processes engine"
    "docker inspect \$(docker ps -aq)"
)
hyperfine -N -w 3 -r "$R" --export-json "$WORK/times.json" "${commands[@]}" >/dev/null 2>&1

peak_kb() { # median peak RSS in KiB of R runs of a command line
    for _ in $(seq 1 "$R"); do
        /usr/bin/time -f "%M" -o "$WORK/rss" sh -c "exec $1" >/dev/null 2>&1 || true
        cat "$WORK/rss"
    done | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'
}

results=$($BIN audit --format json --fail-on none | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')
echo
echo "$total containers ($(docker ps -q | wc -l) running), $(docker images -q | wc -l) image(s); $results results per audit; median of $R runs."
echo
echo "| command | wall time, median (ms) | peak RSS, median (MiB) | time vs bulk inspect |"
echo "|---|---|---|---|"
inspect_ms=$(python3 -c "import json; print(json.load(open('$WORK/times.json'))['results'][3]['median'] * 1000)")
for i in "${!commands[@]}"; do
    ms=$(python3 -c "import json; print(json.load(open('$WORK/times.json'))['results'][$i]['median'] * 1000)")
    kb=$(peak_kb "${commands[$i]}")
    printf '| `%s` | %.0f | %.1f | %.2f× |\n' "${labels[$i]}" "$ms" "$(echo "$kb / 1024" | bc -l)" "$(echo "$ms / $inspect_ms" | bc -l)"
done
