#!/usr/bin/env bash
# Makes what the stack's agents and Prometheus share: a bearer token, a private CA, and one certificate for every
# agent (its name, docker-baseline-agent, is what Prometheus checks: tasks are reached by address).
#   deploy/swarm/make-secrets.sh [DIR]    (default: deploy/swarm/secrets; existing files are kept)
set -euo pipefail
dir=${1:-"$(dirname "$0")/secrets"}
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077
[ -s token ] || openssl rand -hex 32 > token
if [ ! -s ca.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 825 -subj "/CN=docker-baseline fleet CA" 2>/dev/null
fi
if [ ! -s agent.pem ]; then
    openssl req -newkey rsa:2048 -nodes -keyout agent-key.pem -out agent.csr -subj "/CN=docker-baseline-agent" 2>/dev/null
    printf 'subjectAltName=DNS:docker-baseline-agent\nextendedKeyUsage=serverAuth\n' > agent.ext
    openssl x509 -req -in agent.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out agent.pem -days 825 -extfile agent.ext 2>/dev/null
    rm -f agent.csr agent.ext
fi
chmod 644 ca.pem agent.pem
echo "secrets in $dir: token, ca.pem, agent.pem, agent-key.pem (keep ca-key.pem offline)" >&2
