#!/usr/bin/env bash
# Benchmark (issue 15): parsing and judging a large packet filter. A kube-proxy-style iptables-save of N rules
# (services, endpoints, DNAT; default 20,000) plus Docker's own chains and a DOCKER-USER allow-list, in a saved
# snapshot with 50 running containers each publishing a port. The network rules walk every published port's path
# through it. Timed with hyperfine: the audit of that snapshot (network rules only) against the same snapshot with
# an empty filter; the difference is what the ruleset costs.
#   benchmarks/firewall.sh [N=20000]
# Needs no engine: the snapshots are generated.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
command -v hyperfine >/dev/null 2>&1 || apt-get install -y -qq hyperfine >/dev/null

# DOCKER_BASELINE_BIN: a release binary built earlier, instead of building one here.
BIN=${DOCKER_BASELINE_BIN:-}
[ -n "$BIN" ] || BIN=$(scripts/build-release.sh 2>/dev/null) || { echo "the release build failed" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$N" "$WORK" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
containers = 50

def dump(rule_count):
    nat = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
           ":DOCKER - [0:0]", ":KUBE-SERVICES - [0:0]", "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
           "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A DOCKER -i docker0 -j RETURN"]
    for c in range(containers):
        nat.append(f"-A DOCKER ! -i docker0 -p tcp -m tcp --dport {8000 + c} -j DNAT --to-destination 172.17.{c // 250}.{c % 250 + 2}:80")
    services = rule_count // 4
    for s in range(services):
        svc, sep = f"KUBE-SVC-{s:012X}", f"KUBE-SEP-{s:012X}"
        nat += [f":{svc} - [0:0]", f":{sep} - [0:0]",
                f"-A KUBE-SERVICES -d 10.96.{s // 250 % 250}.{s % 250 + 1}/32 -p tcp -m comment --comment \"ns/svc-{s}:http cluster IP\" -m tcp --dport {80 + s % 1000} -j {svc}",
                f"-A {svc} -m comment --comment \"ns/svc-{s}:http\" -j {sep}",
                f"-A {sep} -s 10.244.{s // 250 % 250}.{s % 250 + 1}/32 -j KUBE-MARK-MASQ",
                f"-A {sep} -p tcp -m tcp -j DNAT --to-destination 10.244.{s // 250 % 250}.{s % 250 + 1}:8080"]
    nat.insert(5, ":KUBE-MARK-MASQ - [0:0]")
    nat += ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000", "COMMIT"]
    filt = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ":DOCKER - [0:0]", ":DOCKER-USER - [0:0]",
            ":DOCKER-ISOLATION-STAGE-1 - [0:0]", ":DOCKER-ISOLATION-STAGE-2 - [0:0]",
            "-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
            "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-A FORWARD -o docker0 -j DOCKER",
            "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT", "-A FORWARD -i docker0 -o docker0 -j ACCEPT",
            "-A DOCKER-ISOLATION-STAGE-1 -j RETURN", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN",
            "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN", "-A DOCKER-USER -s 10.0.0.0/8 -j RETURN",
            "-A DOCKER-USER -o docker0 -j DROP", "-A DOCKER-USER -j RETURN"]
    for c in range(containers):
        filt.append(f"-A DOCKER -d 172.17.{c // 250}.{c % 250 + 2}/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT")
    filt.append("COMMIT")
    return "\n".join(nat + filt) + "\n"

def snapshot(text):
    container = lambda c: {"inspect": {
        "Id": f"{c:064x}", "Name": f"/web{c}", "Image": "sha256:" + "0" * 64,
        "State": {"Status": "running", "Running": True, "Pid": 1000 + c},
        "Config": {"Image": "web"}, "HostConfig": {"NetworkMode": "bridge"},
        "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(8000 + c)}]},
                            "Networks": {"bridge": {"NetworkID": "n1", "IPAddress": f"172.17.{c // 250}.{c % 250 + 2}"}}}}}
    return {
        "format": 1, "tool": {"name": "docker-baseline", "version": "bench"}, "collectedAt": "2026-11-30T00:00:00Z",
        "endpoint": "unix:///var/run/docker.sock", "engine": {"Version": "28.5.2", "ApiVersion": "1.51"},
        "info": {"ID": "bench", "Name": "bench"}, "containers": [container(c) for c in range(containers)], "images": [],
        "networks": [{"Id": "n1", "Name": "bridge", "Driver": "bridge", "Options": {"com.docker.network.bridge.name": "docker0"},
                      "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}}],
        "host": {"root": "/", "daemon": {"running": True, "pid": 1, "configFile": "/etc/docker/daemon.json", "settings": [], "problems": [], "sources": []},
                 "files": [], "auditRules": {"watchedPaths": [], "problems": []}, "binaries": {},
                 "listeners": [{"address": "0.0.0.0", "port": 2376, "probe": "refused a client without a certificate"}],
                 "packetFilter": {"sources": [{"kind": "iptables-save", "origin": "iptables-nft-save", "live": True, "text": text}],
                                  "interfaces": [{"name": "lo", "kind": "loopback", "addresses": ["127.0.0.1/8"]},
                                                 {"name": "eth0", "addresses": ["192.0.2.10/24"]},
                                                 {"name": "docker0", "kind": "bridge", "addresses": ["172.17.0.1/16"]}],
                                  "sysctls": {"net.bridge.bridge-nf-call-iptables": "1"}}},
        "environment": {}, "problems": []}

big = dump(n)
print(f"ruleset: {big.count(chr(10) + '-A ')} rules, {len(big) // 1024} KiB", file=sys.stderr)
json.dump(snapshot(big), open(f"{work}/big.json", "w"))
json.dump(snapshot(dump(0)), open(f"{work}/small.json", "w"))
PY

for name in small big; do
    "$BIN" audit --snapshot "$WORK/$name.json" --include 'network.*' --format json --fail-on none > "$WORK/$name.out"
done
python3 - "$WORK" <<'PY'
import json, sys
for name in ("small", "big"):
    report = json.load(open(f"{sys.argv[1]}/{name}.out"))
    statuses = {}
    for result in report["results"]:
        statuses[result["rule"], result["status"]] = statuses.get((result["rule"], result["status"]), 0) + 1
    print(name, sorted(statuses.items()))
PY
hyperfine -N --warmup 3 --runs 30 --export-markdown "$WORK/table.md" \
    -n "empty filter" "$BIN audit --snapshot $WORK/small.json --include network.* --format json --fail-on none" \
    -n "$N-rule filter" "$BIN audit --snapshot $WORK/big.json --include network.* --format json --fail-on none" >&2
cat "$WORK/table.md"
