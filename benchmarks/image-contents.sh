#!/usr/bin/env bash
# Benchmark (issue 6): `docker-baseline image IMAGE` against the floor `docker save IMAGE | tar -tv > /dev/null`, on
# a generated image of about 1 GiB with tens of thousands of files; wall time (hyperfine) and peak memory
# (/usr/bin/time), in the same run. Also the same image as a `docker save` tar on disk against reading it through
# `tar -tv` from a pipe (`tar -tvf FILE` would seek over the layers and read almost nothing).
#   benchmarks/image-contents.sh [R=5] [FILES_PER_LAYER=10000] [LAYERS=4]
# The content is generated from a fixed seed (reproducible). Creates its own images (label
# io.docker-baseline.bench=1) and removes them and the files at the end (BENCH_KEEP=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-5}
FILES=${2:-10000}
LAYERS=${3:-4}
LABEL=io.docker-baseline.bench=1
IMAGE=dbb/image-contents:1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
for tool in time hyperfine bc; do
    command -v "$tool" >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done

WORK=$(mktemp -d /var/tmp/dbb-image-contents.XXXXXX)
remove_bench_objects() {
    docker rmi -f "$IMAGE" dbb/image-contents-base:1 >/dev/null 2>&1 || true
}
cleanup() {
    [ "${BENCH_KEEP:-}" = 1 ] || { remove_bench_objects; rm -rf "$WORK"; }
}
trap cleanup EXIT
remove_bench_objects

mkdir -p "$WORK/root/bin" "$WORK/ctx"
cp "$(command -v busybox)" "$WORK/root/bin/busybox"
ln -s busybox "$WORK/root/bin/sh"
tar -C "$WORK/root" -c . | docker import --change "LABEL $LABEL" - dbb/image-contents-base:1 >/dev/null

echo "generating $LAYERS layers of $FILES files…" >&2
python3 - "$WORK/ctx" "$FILES" "$LAYERS" <<'PY'
import os, random, sys
root, files, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(6)
for layer in range(layers):
    for i in range(files):
        directory = os.path.join(root, f"l{layer}", f"d{i % 100:02d}", f"e{(i // 100) % 10}")
        os.makedirs(directory, exist_ok=True)
        size = 1024 + (i * 7919) % (51 * 1024)  # 1–52 KiB, about 26 KiB on average
        with open(os.path.join(directory, f"f{i:05d}.bin"), "wb") as f:
            f.write(rng.randbytes(size))
# A few things the scan reports: a key, a credential file.
with open(os.path.join(root, "l0", "id_rsa"), "w") as f:
    f.write("-----BEGIN OPENSSH PRIVATE KEY-----\nbenchmarkNotARealKey\n-----END OPENSSH PRIVATE KEY-----\n")
PY
{
    echo "FROM dbb/image-contents-base:1"
    for layer in $(seq 0 $((LAYERS - 1))); do echo "COPY l$layer /data/l$layer"; done
    echo "RUN /bin/busybox chmod u+s /data/l0/d00/e0/f00000.bin && /bin/busybox rm /data/l0/id_rsa"
} > "$WORK/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t "$IMAGE" "$WORK/ctx" >/dev/null
rm -rf "$WORK/ctx"
# BENCH_BUILD_ONLY=1: only make the image (another benchmark measures it and removes it).
if [ "${BENCH_BUILD_ONLY:-}" = 1 ]; then trap - EXIT; rm -rf "$WORK"; exit 0; fi
docker save -o "$WORK/image.tar" "$IMAGE"

BIN=$(scripts/build-release.sh 2>/dev/null)
files=$(tar -tf "$WORK/image.tar" | grep -c layer.tar)
entries=$(docker save "$IMAGE" | python3 -c '
import sys, tarfile
t = tarfile.open(fileobj=sys.stdin.buffer, mode="r|")
n = 0
for m in t:
    if m.name.endswith("layer.tar"):
        n += sum(1 for _ in tarfile.open(fileobj=t.extractfile(m), mode="r|"))
print(n)')
size=$(stat -c %s "$WORK/image.tar")

commands=(
    "$BIN image $IMAGE --format json -o /dev/null --fail-on none"
    "sh -c 'docker save $IMAGE | tar -tv > /dev/null'"
    "$BIN image $WORK/image.tar --format json -o /dev/null --fail-on none"
    "sh -c 'cat $WORK/image.tar | tar -tv > /dev/null'"
)
labels=(
    "docker-baseline image IMAGE (engine export)"
    "docker save IMAGE | tar -tv > /dev/null"
    "docker-baseline image image.tar (docker save file)"
    "cat image.tar | tar -tv > /dev/null"
)
hyperfine -N -w 1 -r "$R" --output=null --export-json "$WORK/times.json" "${commands[@]}" >/dev/null 2>&1

peak_kb() { # median peak RSS in KiB of R runs (for a pipeline: its largest process)
    for _ in $(seq 1 "$R"); do
        /usr/bin/time -f "%M" -o "$WORK/rss" sh -c "exec $1" >/dev/null 2>&1 || true
        cat "$WORK/rss"
    done | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'
}
median_ms() { python3 -c "import json; print(json.load(open('$WORK/times.json'))['results'][$1]['median'] * 1000)"; }

echo
echo "Image: $(echo "$size / 1048576" | bc) MiB as a docker save tar, $files layers, $entries tar entries; median of $R runs."
echo
echo "| command | wall time, median (s) | peak RSS, median (MiB) | time vs its floor |"
echo "|---|---|---|---|"
for i in "${!commands[@]}"; do
    ms=$(median_ms "$i")
    floor=$(median_ms $(( i / 2 * 2 + 1 )))
    kb=$(peak_kb "${commands[$i]}")
    printf '| `%s` | %.2f | %.1f | %.2f× |\n' "${labels[$i]//|/\\|}" "$(echo "$ms / 1000" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$(echo "$ms / $floor" | bc -l)"
done
echo
"$BIN" image "$IMAGE" --fail-on none | grep -E '^(FAIL|ERROR)' || true
