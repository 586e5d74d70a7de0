#!/usr/bin/env bash
# Benchmark (issue 17): `docker-baseline serve` on a host with 200 containers, its 60 s interval compressed into a
# shorter one (INTERVAL, default 5 s) for DURATION seconds (default 180): CPU seconds per audit and between audits,
# peak RSS, /metrics response time, history database size per 1,000 runs.
#   benchmarks/serve.sh [CONTAINERS=200] [DURATION=180] [INTERVAL=5]
# Containers: one busybox image (imported), a quarter running `sleep` with --network none, the rest created; label
# io.docker-baseline.bench=1, removed at the end. DOCKER_BASELINE_BIN: a release binary built earlier (default: built here by scripts/build-release.sh).
# Phase 1 audits every INTERVAL s for DURATION s with /metrics scraped every 5 s; phase 2 serves with a one-hour
# interval and measures the CPU of 60 s between audits (scraped every 5 s). CPU per audit = (phase 1 CPU − phase 2's
# idle rate × DURATION) / audits. History size per 1,000 runs is extrapolated from the runs phase 1 recorded.
# OWN_DAEMON=1 runs a dockerd of its own (in a network namespace, with its own data root, exec root and socket under
# the work folder) so the containers do not land on the engine others use; else DOCKER_HOST or the default engine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
DURATION=${2:-180}
INTERVAL=${3:-5}
LABEL=io.docker-baseline.bench=1
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
# DOCKER_BASELINE_BIN: a release binary built earlier, instead of building one here.
BIN=${DOCKER_BASELINE_BIN:-}
[ -n "$BIN" ] || BIN=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed" >&2; exit 1; }
WORK=$(mktemp -d /var/tmp/dbb-serve.XXXXXX)
PIDS=()
DAEMON_PID=
NS=dbb-serve-$$
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    docker rmi -f dbb/serve:1 >/dev/null 2>&1 || true
    if [ -n "$DAEMON_PID" ]; then
        kill "$DAEMON_PID" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.5; done
        ip netns del "$NS" 2>/dev/null || true
        umount -R -l "$WORK/exec" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${OWN_DAEMON:-}" = 1 ]; then
    ip netns add "$NS" && ip -n "$NS" link set lo up
    printf '{"hosts": ["unix://%s/docker.sock"], "data-root": "%s/data", "exec-root": "%s/exec", "pidfile": "%s/docker.pid"}\n' \
        "$WORK" "$WORK" "$WORK" "$WORK" > "$WORK/daemon.json"
    nsenter --net="/var/run/netns/$NS" dockerd --config-file "$WORK/daemon.json" >"$WORK/dockerd.log" 2>&1 &
    DAEMON_PID=$!
    export DOCKER_HOST="unix://$WORK/docker.sock"
    for _ in $(seq 120); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
    docker version >/dev/null 2>&1 || { echo "the benchmark's dockerd did not start: $(tail -5 "$WORK/dockerd.log")" >&2; exit 1; }
fi

mkdir -p "$WORK/rootfs/bin"
cp "$(command -v busybox)" "$WORK/rootfs/bin/busybox"
tar -C "$WORK/rootfs" -c . | docker import --change "LABEL $LABEL" - dbb/serve:1 >/dev/null
echo "creating $N containers…" >&2
for i in $(seq 1 "$N"); do
    if [ $((i % 4)) = 0 ]; then
        docker run -d --network none --label "$LABEL" --name "dbb-serve-$i" dbb/serve:1 /bin/busybox sleep 3600 >/dev/null
    else
        docker create --label "$LABEL" --name "dbb-serve-$i" dbb/serve:1 /bin/busybox sleep 3600 >/dev/null
    fi
done

cpu() { # PID → user+system CPU seconds
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}
port_of() { # LOG → port serve bound
    for _ in $(seq 600); do
        p=$(grep -oE 'serving http://127.0.0.1:[0-9]+' "$1" | grep -oE '[0-9]+$' || true)
        [ -n "$p" ] && { echo "$p"; return; }
        sleep 0.1
    done
    echo "serve did not start: $(cat "$1")" >&2; exit 1
}
metric() { # PORT NAME
    curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}

echo "phase 1: an audit every ${INTERVAL} s for ${DURATION} s…" >&2
"$BIN" serve --listen 127.0.0.1:0 --interval "${INTERVAL}s" --history "$WORK/history.sqlite" --cache-dir "$WORK/cache" \
    2>"$WORK/serve1.log" &
PID=$!; PIDS+=("$PID")
PORT=$(port_of "$WORK/serve1.log")
until [ "$(metric "$PORT" docker_baseline_audits_total)" != "" ] && [ "$(metric "$PORT" docker_baseline_audits_total)" != 0 ]; do sleep 0.2; done
first_duration=$(metric "$PORT" docker_baseline_audit_duration_seconds)
start_cpu=$(cpu "$PID"); start_audits=$(metric "$PORT" docker_baseline_audits_total); start=$(date +%s.%N)
end=$(echo "$start + $DURATION" | bc)
while [ "$(echo "$(date +%s.%N) < $end" | bc)" = 1 ]; do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"; sleep 5
done
end_cpu=$(cpu "$PID"); end_audits=$(metric "$PORT" docker_baseline_audits_total)
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
rss_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
last_duration=$(metric "$PORT" docker_baseline_audit_duration_seconds)
results=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '$1 ~ /^docker_baseline_results\{/ { s += $2 } END { print s }')
echo "/metrics response time (200 requests)…" >&2
for _ in $(seq 200); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/metrics"; done | sort -n > "$WORK/times"
metrics_bytes=$(curl -s "http://127.0.0.1:$PORT/metrics" | wc -c)
kill "$PID"; wait "$PID" 2>/dev/null || true
runs=$("$BIN" history --history "$WORK/history.sqlite" --format json --limit 100000 | grep -c '"id"' || true)
db_bytes=$(du -cb "$WORK"/history.sqlite* | tail -1 | cut -f1)

echo "phase 2: 60 s between audits…" >&2
"$BIN" serve --listen 127.0.0.1:0 --interval 1h --no-history --cache-dir "$WORK/cache" 2>"$WORK/serve2.log" &
PID2=$!; PIDS+=("$PID2")
PORT2=$(port_of "$WORK/serve2.log")
until [ "$(metric "$PORT2" docker_baseline_audits_total)" = 1 ]; do sleep 0.2; done
idle_start=$(cpu "$PID2")
for _ in $(seq 12); do curl -s -o /dev/null "http://127.0.0.1:$PORT2/metrics"; sleep 5; done
idle_cpu=$(echo "$(cpu "$PID2") - $idle_start" | bc -l)
kill "$PID2"; wait "$PID2" 2>/dev/null || true

audits=$((end_audits - start_audits))
total_cpu=$(echo "$end_cpu - $start_cpu" | bc -l)
idle_rate=$(echo "$idle_cpu / 60" | bc -l)
per_audit=$(echo "($total_cpu - $idle_rate * $elapsed) / $audits" | bc -l)
pct() { awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p); if (i < 1) i = 1; printf "%.1f", a[i] * 1000 }' "$WORK/times"; }
printf '\nserve on %d containers (%s results per audit), %s, interval %s s for %.0f s\n' "$N" "$results" "$BIN" "$INTERVAL" "$elapsed"
printf 'audits: %d; CPU per audit %.2f s; audit wall time first (cold cache) %.2f s, last %.2f s\n' "$audits" "$per_audit" "$first_duration" "$last_duration"
printf 'between audits: %.3f CPU s per minute (a scrape every 5 s)\n' "$(echo "$idle_rate * 60" | bc -l)"
printf 'at a 60 s interval: %.1f %% of one core\n' "$(echo "($per_audit + $idle_rate * (60 - $last_duration)) / 60 * 100" | bc -l)"
printf 'peak RSS: %.1f MiB\n' "$(echo "$rss_kib / 1024" | bc -l)"
printf '/metrics (%d bytes): median %s ms, p95 %s ms, max %s ms\n' "$metrics_bytes" "$(pct 0.5)" "$(pct 0.95)" "$(pct 1)"
printf 'history: %d runs in %.1f MiB → %.0f MiB per 1,000 runs (extrapolated)\n' "$runs" "$(echo "$db_bytes / 1048576" | bc -l)" \
    "$(echo "$db_bytes / $runs * 1000 / 1048576" | bc -l)"
