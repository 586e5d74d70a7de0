#!/usr/bin/env bash
# Benchmark (issue 18): the default `docker-baseline audit` (which reads the layers of every image a container uses)
# on a busy host, against one bulk `docker inspect $(docker ps -aq)` in the same run: first audit (cold content
# cache), repeat audit (warm cache), wall time and peak RSS, text and JSON.
#   benchmarks/scale.sh [COUNTS="200 1000"] [R=5] [IMAGES=20]
# IMAGES generated images of 50–300 MiB (seeded pseudo-random files) built FROM one shared base layer of about
# 40 MiB; COUNTS containers spread over them, half running (`sleep`), half created. Uses the engine DOCKER_HOST names
# (or the default one); creates its own images and containers (label io.docker-baseline.bench=1) and removes them at
# the end (BENCH_KEEP=1 keeps them). Cold runs: the cache directory is emptied before each (median of COLD=2 runs).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTS=${1:-"200 1000"}
R=${2:-5}
IMAGES=${3:-20}
COLD=${COLD:-2}
# Running containers numbered above this run with --network none (0: none do), for a bridge smaller than a /22.
BRIDGE_LIMIT=${BRIDGE_LIMIT:-0}
LABEL=io.docker-baseline.bench=1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
for tool in time hyperfine bc; do
    command -v "$tool" >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done

WORK=$(mktemp -d /var/tmp/dbb-scale.XXXXXX)
CACHE="$WORK/cache"
remove_bench_objects() {
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    # Children first: a base image with dependent images left is not removed, so go round until none is left.
    for _ in 1 2 3; do
        ids=$(docker images -q --filter "label=$LABEL" | sort -u)
        [ -z "$ids" ] && break
        docker rmi -f $ids >/dev/null 2>&1 || true
    done
}
cleanup() {
    [ "${BENCH_KEEP:-}" = 1 ] || remove_bench_objects
    rm -rf "$WORK"
}
trap cleanup EXIT

# Files of seeded pseudo-random bytes: SIZE MiB in DIR, mostly 1–64 KiB files with a few of 1–8 MiB.
generate() { # DIR SEED SIZE_MIB
    python3 - "$@" <<'PY'
import os, random, sys
root, seed, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
rng = random.Random(seed)
written, i = 0, 0
while written < total:
    size = rng.randint(1 << 20, 8 << 20) if i % 40 == 0 else rng.randint(1024, 64 << 10)
    directory = os.path.join(root, f"d{i % 50:02d}")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"f{i:05d}.bin"), "wb") as f:
        f.write(rng.randbytes(size))
    written += size
    i += 1
PY
}

# Images already there (a run with BENCH_KEEP=1) are kept: the content is the same every run.
if [ -z "$(docker images -q dbb/scale-base:1)" ]; then
    mkdir -p "$WORK/root/bin" "$WORK/root/usr/lib/base"
    cp "$(command -v busybox)" "$WORK/root/bin/busybox"
    for tool in sh sleep; do ln -s busybox "$WORK/root/bin/$tool"; done
    generate "$WORK/root/usr/lib/base" 1 40
    tar -C "$WORK/root" -c . | docker import --change "LABEL $LABEL" - dbb/scale-base:1 >/dev/null
    rm -rf "$WORK/root"
fi
for i in $(seq 1 "$IMAGES"); do
    [ -z "$(docker images -q "dbb/scale-$i:1")" ] || continue
    echo "building image $i of $IMAGES…" >&2
    mkdir -p "$WORK/ctx/app"
    size=$(( 10 + (i - 1) * 250 / (IMAGES > 1 ? IMAGES - 1 : 1) ))  # 10–260 MiB on top of the base: 50–300 MiB images
    generate "$WORK/ctx/app" $((100 + i)) "$size"
    printf 'FROM dbb/scale-base:1\nCOPY app /srv/app\nRUN /bin/busybox chmod u+s /srv/app/d00/f00000.bin\n' > "$WORK/ctx/Dockerfile"
    DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t "dbb/scale-$i:1" "$WORK/ctx" >/dev/null 2>&1
    rm -rf "$WORK/ctx"
done

# DOCKER_BASELINE_BIN: a release binary built earlier, instead of building one here.
BIN=${DOCKER_BASELINE_BIN:-}
[ -n "$BIN" ] || BIN=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed" >&2; exit 1; }

add_containers() { # up to N bench containers in all, alternating running and created, round robin over the images
    have=$(docker ps -aq --filter "label=$LABEL" | wc -l)
    for i in $(seq $((have + 1)) "$1"); do
        image="dbb/scale-$(( (i - 1) % IMAGES + 1 )):1"
        if [ $((i % 2)) -eq 0 ]; then
            network=bridge
            [ "$BRIDGE_LIMIT" = 0 ] || [ "$i" -le "$BRIDGE_LIMIT" ] || network=none
            docker run -d --label "$LABEL" --name "dbs-$i" --network "$network" --memory 32m "$image" /bin/sleep 100000 >/dev/null
        else
            docker create --label "$LABEL" --name "dbs-$i" -p "127.0.0.1:$((20000 + i)):80" "$image" /bin/sleep 1 >/dev/null
        fi
    done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# Wall seconds and peak KiB of one run of a command line, as "SECONDS KIB".
timed() { /usr/bin/time -f "%e %M" -o "$WORK/t" sh -c "exec $1" >/dev/null 2>&1 || true; cat "$WORK/t"; }

images_mib=$(docker images --filter "label=$LABEL" --filter "reference=dbb/scale-*:1" --format '{{.Size}}' | tr '\n' ' ')
echo "images (engine sizes): $images_mib"
for N in $COUNTS; do
    add_containers "$N"
    audit="$BIN audit --fail-on none --cache-dir $CACHE"
    inspect="sh -c 'docker inspect \$(docker ps -aq)'"
    # Warm: the warm-up runs fill the cache.
    hyperfine -N -w 2 -r "$R" --output=null --export-json "$WORK/warm.json" "$audit" "$audit --format json" "$inspect" >/dev/null
    ms() { python3 -c "import json; print(json.load(open('$WORK/warm.json'))['results'][$1]['median'] * 1000)"; }
    inspect_ms=$(ms 2)
    inspect_kb=$(for _ in $(seq 1 "$R"); do timed "$inspect" | cut -d' ' -f2; done | median)
    echo
    echo "$(docker ps -aq | wc -l) containers ($(docker ps -q | wc -l) running), $IMAGES images; median of $R runs (cold: of $COLD)."
    echo
    echo "| command | cache | wall time (ms) | peak RSS (MiB) | time vs bulk inspect |"
    echo "|---|---|---|---|---|"
    row() { printf '| `%s` | %s | %.0f | %.1f | %.2f× |\n' "$1" "$2" "$3" "$(echo "$4 / 1024" | bc -l)" "$(echo "$3 / $inspect_ms" | bc -l)"; }
    for format in text json; do
        command="$audit --format $format"
        cold=$(for _ in $(seq 1 "$COLD"); do rm -rf "$CACHE"; timed "$command"; done)
        row "docker-baseline audit --format $format" cold "$(echo "$cold" | cut -d' ' -f1 | median | awk '{print $1 * 1000}')" "$(echo "$cold" | cut -d' ' -f2 | median)"
        warm_kb=$(for _ in $(seq 1 "$R"); do timed "$command" | cut -d' ' -f2; done | median)
        row "docker-baseline audit --format $format" warm "$(ms $([ $format = text ] && echo 0 || echo 1))" "$warm_kb"
    done
    # The other formats: warm, peak memory (their time is the JSON's plus rendering).
    for format in sarif junit html markdown; do
        warm=$(for _ in $(seq 1 "$R"); do timed "$audit --format $format"; done)
        row "docker-baseline audit --format $format" warm "$(echo "$warm" | cut -d' ' -f1 | median | awk '{print $1 * 1000}')" "$(echo "$warm" | cut -d' ' -f2 | median)"
    done
    row "docker inspect \$(docker ps -aq)" "" "$inspect_ms" "$inspect_kb"
    echo "cached entries: $(ls "$CACHE" | wc -l), $(du -sh "$CACHE" | cut -f1)"
done

# docker-bench-security on 50 running containers (dbs-2, dbs-4 … dbs-100), in the same run: DBS_REPO names its
# repository (a git directory or a checkout); it is run from a copy, with its log there.
if [ -n "${DBS_REPO:-}" ]; then
    mkdir -p "$WORK/dbs"
    if git --git-dir="$DBS_REPO" rev-parse HEAD >/dev/null 2>&1; then
        git --git-dir="$DBS_REPO" archive HEAD | tar -x -C "$WORK/dbs"
        commit=$(git --git-dir="$DBS_REPO" rev-parse --short HEAD)
    else
        cp -r "$DBS_REPO/." "$WORK/dbs"
        commit=$(git -C "$DBS_REPO" rev-parse --short HEAD 2>/dev/null || echo "?")
    fi
    subset='^dbs-([2-9]|[1-9][0-9]|100)$'
    result=$(cd "$WORK/dbs" && timed "sh docker-bench-security.sh -b -l $WORK/dbs/results.log -i '$subset'")
    lines=$(grep -cE '^\[(PASS|WARN|INFO|NOTE)\]' "$WORK/dbs/results.log" || true)
    echo
    echo "docker-bench-security ($commit) on 50 running containers: $(echo "$result" | cut -d' ' -f1) s, peak RSS $(echo "$(echo "$result" | cut -d' ' -f2) / 1024" | bc) MiB, $lines result lines"
else
    echo
    echo "(set DBS_REPO to a docker-bench-security repository to time it on 50 of the containers in the same run)"
fi
