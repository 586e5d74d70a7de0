#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing (docker.io, busybox-static, auditd,
# iproute2, openssl, openssh, chromium for the HTML report, python3-jsonschema for the JSON schema, prometheus and
# curl for serve's tests),
# starts dockerd when it is not running, creates the fixtures, builds, runs `swift test`, and removes every
# fixture it created (and stops the dockerd it started), even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
command -v swift >/dev/null 2>&1 || { echo "swift not found (expected in PATH or /opt/swift/usr/bin)" >&2; exit 1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v busybox >/dev/null 2>&1 || missing+=(busybox-static)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v auditctl >/dev/null 2>&1 || missing+=(auditd)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v sshd >/dev/null 2>&1 || missing+=(openssh-server)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v rootlesskit >/dev/null 2>&1 || missing+=(rootlesskit)
command -v newuidmap >/dev/null 2>&1 || missing+=(uidmap)
# The network layer's tests: real iptables and nftables in namespaces of their own, bash's /dev/tcp, modprobe.
[ -x /usr/sbin/iptables-nft-save ] || missing+=(iptables)
[ -x /usr/sbin/nft ] || missing+=(nftables)
command -v modprobe >/dev/null 2>&1 || missing+=(kmod)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
# Version ordering is checked against the distributions' own code (rpm's, apt's, packaging's); rpmbuild makes the rpmdb fixture.
/usr/bin/python3 -c 'import rpm' >/dev/null 2>&1 || missing+=(python3-rpm)
/usr/bin/python3 -c 'import apt_pkg' >/dev/null 2>&1 || missing+=(python3-apt)
/usr/bin/python3 -c 'import packaging' >/dev/null 2>&1 || missing+=(python3-packaging)
command -v rpmbuild >/dev/null 2>&1 || missing+=(rpm)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

started_dockerd=
# A dockerd that is still starting or shutting down holds its pid file: let it settle first.
for _ in $(seq 30); do
    docker info >/dev/null 2>&1 && break
    pgrep -x dockerd >/dev/null 2>&1 || break
    sleep 1
done
if ! docker info >/dev/null 2>&1; then
    log "starting dockerd"
    nohup dockerd >/tmp/docker-baseline-dockerd.log 2>&1 &
    started_dockerd=$!
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { echo "dockerd did not start; its log:" >&2; tail -20 /tmp/docker-baseline-dockerd.log >&2; exit 1; }
fi

# The audits the tests run keep image contents in a cache of their own, removed with the run, not the machine's
# (XDG_CACHE_HOME is left alone: SwiftPM keeps its own caches there).
export DOCKER_BASELINE_CACHE_DIR
DOCKER_BASELINE_CACHE_DIR=$(mktemp -d /tmp/dbt-cache.XXXXXX)

cleanup() {
    rm -rf "$DOCKER_BASELINE_CACHE_DIR"
    log "removing fixtures"
    scripts/fixtures.sh down || true
    if [ -n "$started_dockerd" ]; then
        log "stopping the dockerd this run started"
        kill "$started_dockerd" 2>/dev/null || true
        wait "$started_dockerd" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# Every container the tests make is attached to the engine's default bridge: check it works before anything else,
# so a missing docker0 is one clear message here rather than a bare engine error in the middle of the fixtures.
probe_root=$(mktemp -d /tmp/dbt-probe.XXXXXX)
mkdir -p "$probe_root/bin" && cp "$(command -v busybox)" "$probe_root/bin/busybox"
tar -C "$probe_root" -c . | docker import - dbt/probe:1 >/dev/null
rm -rf "$probe_root"
if ! probe=$(docker run --rm dbt/probe:1 /bin/busybox true 2>&1); then
    docker rmi -f dbt/probe:1 >/dev/null 2>&1 || true
    echo "the engine cannot start a container on its default bridge: $probe" >&2
    echo "check that the bridge exists (ip link show docker0); if it does not, restart dockerd (systemctl restart docker, or stop it and rerun this script, which starts one)" >&2
    exit 1
fi
docker rmi -f dbt/probe:1 >/dev/null

log "creating fixtures"
scripts/fixtures.sh up

log "building"
build_log=$(mktemp)
if ! swift build --build-tests >"$build_log" 2>&1; then
    grep -E 'error:' "$build_log" >&2 || tail -50 "$build_log" >&2
    echo "build failed" >&2
    exit 1
fi
rm -f "$build_log"

# What a test run may leave behind if a test forgets to clean up: helper processes, network namespaces, links,
# temporary folders. Anything here after the run that was not here before it fails the run, named.
leftovers() {
    pgrep -af 'dockerd .*--data-root /tmp/dbt|sshd -f /tmp/dbt|http\.server|socket\.socket\(\)|prometheus --config\.file=/tmp/dbt|docker-baseline serve|podman system service .*unix:///tmp/dbt|conmon .*/tmp/dbt|rootlesskit .*/tmp/dbt|dockerd --data-root /tmp/dbt' | grep -v pgrep || true
    pgrep -u 65534 -a 'podman|rootlesskit|dockerd' || true
    ip netns list 2>/dev/null | grep -E '^dbt' || true
    ip -o link show 2>/dev/null | grep -oE ' dbt[^:@ ]+' || true
    find /var/cache -maxdepth 1 -name docker-baseline -newer "$started_at" 2>/dev/null || true
    find /dev/shm -maxdepth 1 -name 'libpod_lock' -newer "$started_at" 2>/dev/null || true
    find /tmp -maxdepth 1 -newer "$started_at" \( -name 'dbt-test-*' -o -name 'dbt-fake-*' -o -name 'dbt-scan-*' -o -name 'dbt-certs-*' -o -name 'dbt-ssh*' -o -name 'dbt-daemon*' \) 2>/dev/null || true
}
started_at=$(mktemp /tmp/dbt-run-started.XXXXXX)
before=$(leftovers)

log "testing"
status=0
DOCKER_BASELINE_FIXTURES=1 DOCKER_BASELINE_BIN="$(swift build --show-bin-path)/docker-baseline" swift test --skip-build "$@" || status=$?
left=$(comm -13 <(echo "$before" | sort -u) <(leftovers | sort -u) | grep -v '^$' || true)
rm -f "$started_at"
if [ -n "$left" ]; then
    echo "the tests left these behind:" >&2
    echo "$left" >&2
    [ "$status" != 0 ] || status=1
else
    log "nothing left behind: no helper process, namespace, link or temporary folder"
fi
exit "$status"
