#!/usr/bin/env bash
# Benchmark (issue 20): the software inventory and vulnerability matching.
#   1. `docker-baseline image IMAGE --vuln-db DB` on the 1 GiB image of benchmarks/image-contents.sh and on a
#      package-heavy image (a 5,000-package dpkg status, 1,000 Python wheels, 2,000 npm packages), each against its
#      floor `docker save IMAGE | tar -tv > /dev/null`; the content cache is emptied before every run, the
#      database's index is kept (it is built once per database).
#   2. Matching: indexing a 100,000-record OSV zip (cold: no index), and a repeat run of the package-heavy image
#      (index and layers cached: what is left is opening the index, matching 8,000 packages and the report).
#   benchmarks/vulnerabilities.sh [R=3] [PACKAGES=5000] [RECORDS=100000]
# Content is generated from fixed seeds. Wall time with hyperfine, peak memory with /usr/bin/time (median of R).
# Creates its own images (label io.docker-baseline.bench=1) and files, and removes them at the end.
# DOCKER_BASELINE_BIN: a release binary built earlier (default: built here by scripts/build-release.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-3}
PACKAGES=${2:-5000}
RECORDS=${3:-100000}
LABEL=io.docker-baseline.bench=1
BIG=dbb/image-contents:1
HEAVY=dbb/packages:1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
for tool in time hyperfine bc; do
    command -v "$tool" >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done

WORK=$(mktemp -d /var/tmp/dbb-vulns.XXXXXX)
remove_bench_objects() {
    docker rmi -f "$BIG" dbb/image-contents-base:1 "$HEAVY" dbb/packages-base:1 >/dev/null 2>&1 || true
}
cleanup() { remove_bench_objects; rm -rf "$WORK"; }
trap cleanup EXIT
remove_bench_objects

BIN=${DOCKER_BASELINE_BIN:-}
[ -n "$BIN" ] || BIN=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed" >&2; exit 1; }

echo "building the 1 GiB image (benchmarks/image-contents.sh)…" >&2
BENCH_BUILD_ONLY=1 benchmarks/image-contents.sh

echo "generating the package-heavy image and a $RECORDS-record OSV database…" >&2
mkdir -p "$WORK/root/bin" "$WORK/ctx"
cp "$(command -v busybox)" "$WORK/root/bin/busybox"
tar -C "$WORK/root" -c . | docker import --change "LABEL $LABEL" - dbb/packages-base:1 >/dev/null
python3 - "$WORK/ctx" "$WORK/osv.zip" "$PACKAGES" "$RECORDS" <<'PY'
import json, os, random, sys, zipfile
ctx, archive, packages, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20)
os.makedirs(f"{ctx}/etc", exist_ok=True)
os.makedirs(f"{ctx}/var/lib/dpkg", exist_ok=True)
with open(f"{ctx}/etc/os-release", "w") as f:
    f.write('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
def version(i):
    return f"{i % 9}.{i % 31}.{i % 7}-{i % 5 + 1}" + ("+deb12u1" if i % 3 == 0 else "")
with open(f"{ctx}/var/lib/dpkg/status", "w") as f:
    for i in range(packages):
        f.write(f"Package: pkg{i:05d}\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
                f"Installed-Size: {100 + i % 900}\nMaintainer: Bench <bench@example.org>\nArchitecture: amd64\n"
                f"Source: src{i // 2:05d}\nVersion: {version(i // 2)}\nDepends: libc6 (>= 2.34)\n"
                f"Description: generated package {i}\n a longer description line\n a second one\n\n")
for i in range(packages // 5):
    d = f"{ctx}/usr/lib/python3/dist-packages/py{i:04d}-1.{i % 20}.0.dist-info"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/METADATA", "w") as f:
        f.write(f"Metadata-Version: 2.1\nName: py{i:04d}\nVersion: 1.{i % 20}.0\n\nDescription.\n")
for i in range(packages * 2 // 5):
    d = f"{ctx}/app/node_modules/js{i:04d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/package.json", "w") as f:
        json.dump({"name": f"js{i:04d}", "version": f"{i % 4}.{i % 13}.{i % 3}", "main": "index.js"}, f)
# OSV records: Debian source packages (installed or not), PyPI and npm; about one in five installed ones affected.
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
    for n in range(records):
        kind = rng.random()
        if kind < 0.6:
            i = rng.randrange(packages)  # half of these sources are not installed
            ecosystem, name = "Debian:12", f"src{i:05d}"
            fixed = version(i if rng.random() < 0.8 else i + 1)
        elif kind < 0.8:
            i = rng.randrange(packages // 2)
            ecosystem, name, fixed = "PyPI", f"py{i:04d}", f"1.{rng.randrange(25)}.0"
        else:
            i = rng.randrange(packages)
            ecosystem, name, fixed = "npm", f"js{i:04d}", f"{rng.randrange(5)}.{rng.randrange(14)}.0"
        record = {"id": f"BENCH-{n:06d}", "modified": "2026-11-01T00:00:00Z", "aliases": [f"CVE-2026-{n:05d}"],
                  "summary": "generated advisory", "affected": [{"package": {"ecosystem": ecosystem, "name": name},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]}
        if n % 3 == 0:
            record["severity"] = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
        z.writestr(f"BENCH-{n:06d}.json", json.dumps(record))
PY
printf 'FROM dbb/packages-base:1\nCOPY . /\n' > "$WORK/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t "$HEAVY" "$WORK/ctx" >/dev/null
rm -rf "$WORK/ctx" "$WORK/root"

export DOCKER_BASELINE_CACHE_DIR=$WORK/cache
# The index is built once, outside the measured runs of part 1.
"$BIN" image "$HEAVY" --vuln-db "$WORK/osv.zip" --format json -o /dev/null --fail-on none 2>/dev/null
empty_contents="sh -c 'rm -f $WORK/cache/*.json'"
commands=(
    "$BIN image $BIG --vuln-db $WORK/osv.zip --format json -o /dev/null --fail-on none"
    "sh -c 'docker save $BIG | tar -tv > /dev/null'"
    "$BIN image $HEAVY --vuln-db $WORK/osv.zip --format json -o /dev/null --fail-on none"
    "sh -c 'docker save $HEAVY | tar -tv > /dev/null'"
)
labels=(
    "image IMAGE --vuln-db (1 GiB image)"
    "docker save IMAGE | tar -tv (1 GiB image)"
    "image IMAGE --vuln-db (package-heavy image)"
    "docker save IMAGE | tar -tv (package-heavy image)"
)
hyperfine -N -w 1 -r "$R" --prepare "$empty_contents" --output=null --export-json "$WORK/times.json" "${commands[@]}" >/dev/null 2>&1
cold="$BIN image $HEAVY --vuln-db $WORK/osv.zip --format json -o /dev/null --fail-on none"
hyperfine -N -r "$R" --prepare "sh -c 'rm -rf $WORK/cache'" --output=null --export-json "$WORK/cold.json" "$cold" >/dev/null 2>&1
"$BIN" image "$HEAVY" --vuln-db "$WORK/osv.zip" --format json -o /dev/null --fail-on none 2>/dev/null  # index and contents cached
hyperfine -N -w 1 -r "$R" --output=null --export-json "$WORK/warm.json" "$cold" >/dev/null 2>&1

peak_kb() { # median peak RSS in KiB of R runs (for a pipeline: its largest process), after `prepare`
    for _ in $(seq 1 "$R"); do
        eval "$2"
        /usr/bin/time -f "%M" -o "$WORK/rss" sh -c "exec $1" >/dev/null 2>&1 || true
        cat "$WORK/rss"
    done | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'
}
median_ms() { python3 -c "import json; print(json.load(open('$1'))['results'][$2]['median'] * 1000)"; }
findings=$("$BIN" image "$HEAVY" --vuln-db "$WORK/osv.zip" --format json --fail-on none | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["results"] if x["rule"] == "image.vulnerabilities"][0]
print(r["message"])')

echo
echo "Images: $BIG (1 GiB) and $HEAVY ($PACKAGES dpkg packages, $((PACKAGES / 5)) Python, $((PACKAGES * 2 / 5)) npm);"
echo "database: $RECORDS OSV records in a zip of $(( $(stat -c %s "$WORK/osv.zip") / 1048576 )) MiB. Median of $R runs."
echo
echo "| command | wall time, median (s) | peak RSS, median (MiB) | time vs its floor |"
echo "|---|---|---|---|"
for i in "${!commands[@]}"; do
    ms=$(median_ms "$WORK/times.json" "$i")
    floor=$(median_ms "$WORK/times.json" $(( i / 2 * 2 + 1 )))
    kb=$(peak_kb "${commands[$i]}" "$empty_contents")
    printf '| `%s` | %.2f | %.1f | %.2f× |\n' "${labels[$i]//|/\\|}" "$(echo "$ms / 1000" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$(echo "$ms / $floor" | bc -l)"
done
ms=$(median_ms "$WORK/cold.json" 0); kb=$(peak_kb "$cold" "rm -rf '$WORK/cache'")
printf '| `%s` | %.2f | %.1f | |\n' "package-heavy image, no index yet (index $RECORDS records + read + match)" "$(echo "$ms / 1000" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
ms=$(median_ms "$WORK/warm.json" 0); kb=$(peak_kb "$cold" "true")
printf '| `%s` | %.2f | %.1f | |\n' "package-heavy image, index and layers cached (match 8,000 packages)" "$(echo "$ms / 1000" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
echo
echo "package-heavy image: $findings"
