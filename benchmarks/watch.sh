#!/usr/bin/env bash
# Benchmark (issue 16): `docker-baseline watch` during a burst of N `docker create --privileged` (8 at a time):
# events per second handled, latency from the engine's event time (timeNano) to the line being read from the
# watch's output (median, p99), the watch's peak memory, and that every container was reported exactly once.
#   benchmarks/watch.sh [N=1000]
# Needs a running dockerd and busybox; creates its own image and containers (label io.docker-baseline.bench-watch=1)
# and removes them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
LABEL=io.docker-baseline.bench-watch=1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

remove_bench_objects() {
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    docker rmi -f dbw/base:1 >/dev/null 2>&1 || true
}
cleanup() {
    [ -z "${WATCH_PID:-}" ] || { kill -TERM "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; }
    [ -z "${CURL_PID:-}" ] || kill "$CURL_PID" 2>/dev/null || true
    remove_bench_objects
    rm -rf "${WORK:-}"
}
trap cleanup EXIT
remove_bench_objects

# DOCKER_BASELINE_BIN: a release binary built earlier, instead of building one here.
BIN=${DOCKER_BASELINE_BIN:-}
[ -n "$BIN" ] || BIN=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed" >&2; exit 1; }

WORK=$(mktemp -d)
mkdir -p "$WORK/root/bin"
cp "$(command -v busybox)" "$WORK/root/bin/busybox"
ln -s busybox "$WORK/root/bin/sleep"
tar -C "$WORK/root" -c . | docker import - dbw/base:1 >/dev/null

# Each line is stamped the moment it is read; latency = that stamp - the event's timeNano.
cat > "$WORK/stamp.py" <<'PY'
import json, sys, time
out = open(sys.argv[2], "w")
for line in open(sys.argv[1]):
    now = time.time_ns()
    item = json.loads(line)
    out.write("%d %d %s\n" % (now, item["event"]["timeNano"], item["target"]["name"]))
    out.flush()
PY
# The floor: the same events read straight from the engine's stream (curl), stamped the same way.
cat > "$WORK/stamp-raw.py" <<'PY'
import json, sys, time
out = open(sys.argv[1], "w")
for line in sys.stdin:
    now = time.time_ns()
    item = json.loads(line)
    if item.get("Type") == "container" and item.get("Action") == "create":
        out.write("%d %d %s\n" % (now, item["timeNano"], item["Actor"]["Attributes"].get("name", "")))
        out.flush()
PY
mkfifo "$WORK/rawfifo"
python3 "$WORK/stamp-raw.py" "$WORK/raw" <"$WORK/rawfifo" &
curl -sN --unix-socket /var/run/docker.sock "http://docker/events?filters=%7B%22label%22%3A%5B%22$LABEL%22%5D%7D" >"$WORK/rawfifo" &
CURL_PID=$!
mkfifo "$WORK/lines"
python3 "$WORK/stamp.py" "$WORK/lines" "$WORK/stamped" &
STAMP_PID=$!
"$BIN" watch --no-initial-audit --label "$LABEL" --include container.privileged --journal "$WORK/journal.sqlite" \
    --format jsonl --fail-on none >"$WORK/lines" 2>"$WORK/watch.log" &
WATCH_PID=$!
for _ in $(seq 600); do grep -qs "following the engine's events" "$WORK/watch.log" && break; sleep 0.1; done

echo "creating $N privileged containers, 8 at a time…" >&2
started=$(date +%s%N)
seq 1 "$N" | xargs -P 8 -I{} docker create --privileged --label "$LABEL" --name "dbw-{}" dbw/base:1 /bin/sleep 1 >/dev/null
created=$(date +%s%N)
for _ in $(seq 1200); do [ "$(wc -l <"$WORK/stamped")" -ge "$N" ] && break; sleep 0.1; done
sleep 2
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$WATCH_PID/status")
kill -TERM "$WATCH_PID"; wait "$WATCH_PID" || true; WATCH_PID=
wait "$STAMP_PID" || true
kill "$CURL_PID" 2>/dev/null || true; wait "$CURL_PID" 2>/dev/null || true; CURL_PID=
grep -v -e "watching the engine" -e "following the engine" "$WORK/watch.log" >&2 || true

python3 - "$WORK/stamped" "$N" "$started" "$created" "$peak_kb" "$WORK/raw" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
n, started, created, peak = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
raw = sorted((int(r[0]) - int(r[1])) / 1e6 for r in (line.split() for line in open(sys.argv[6])))
latency = sorted((int(r[0]) - int(r[1])) / 1e6 for r in rows)
names = [r[2] for r in rows]
first_event = min(int(r[1]) for r in rows)
last_line = max(int(r[0]) for r in rows)
pick = lambda q: latency[min(len(latency) - 1, int(q * len(latency)))]
print("containers created        %d in %.1f s (%.0f/s)" % (n, (created - started) / 1e9, n / ((created - started) / 1e9)))
print("lines reported            %d (distinct containers %d, missing %d, doubled %d)" % (len(names), len(set(names)), n - len(set(names)), len(names) - len(set(names))))
print("events handled per second %.0f (first event to last line: %.1f s)" % (len(rows) / ((last_line - first_event) / 1e9), (last_line - first_event) / 1e9))
print("latency event -> line     median %.1f ms, p99 %.1f ms, max %.1f ms" % (pick(0.5), pick(0.99), latency[-1]))
if raw:
    pr = lambda q: raw[min(len(raw) - 1, int(q * len(raw)))]
    print("floor: event -> curl      median %.1f ms, p99 %.1f ms (%d events read straight from /events)" % (pr(0.5), pr(0.99), len(raw)))
print("watch peak memory         %.1f MiB" % (peak / 1024))
PY
