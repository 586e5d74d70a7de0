#!/usr/bin/env bash
# Test fixtures on the local Docker engine: images built from a busybox rootfs (no registry is needed) and
# containers that each violate or comply with specific rules. Everything carries the label
# io.docker-baseline.fixture=1 so `down` removes exactly what `up` made.
#   scripts/fixtures.sh up     create (recreates if present)
#   scripts/fixtures.sh down   remove
set -euo pipefail

LABEL=io.docker-baseline.fixture=1
PREFIX=dbt
WORK=$(mktemp -d /tmp/dbt-fixtures.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

down() {
    local ids
    ids=$(docker ps -aq --filter "label=$LABEL")
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    docker network rm ${PREFIX}-net >/dev/null 2>&1 || true
    # A parent image cannot go while its children exist, and the ids come in no particular order: repeat.
    for _ in 1 2 3 4; do
        ids=$( (docker images -q --filter "label=$LABEL"; docker images -q "${PREFIX}/*") | sort -u)
        [ -n "$ids" ] || break
        docker rmi -f $ids >/dev/null 2>&1 || true
    done
}

# A root filesystem with a static busybox, plus coreutils' sleep (and the libraries it needs) installed as
# /usr/sbin/sshd: a process the engine's `top` shows as /usr/sbin/sshd, with no real SSH server needed.
make_rootfs() {
    local root=$WORK/rootfs
    mkdir -p "$root"/{bin,etc,tmp,usr/sbin,root}
    cp "$(command -v busybox)" "$root/bin/busybox"
    for applet in sh sleep true false echo cat ls id env; do ln -s busybox "$root/bin/$applet"; done
    printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/tmp:/bin/sh\n' > "$root/etc/passwd"
    printf 'root:x:0:\napp:x:10001:\n' > "$root/etc/group"
    cp "$(command -v sleep)" "$root/usr/sbin/sshd"
    ldd "$(command -v sleep)" | grep -o '/[^ ]*' | while read -r lib; do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    tar -C "$root" -c . | docker import --change "LABEL $LABEL" --change 'CMD ["/bin/sh"]' - ${PREFIX}/base:1 >/dev/null
}

build() { # build TAG [docker build args…] < Dockerfile
    local tag=$1; shift
    local context=$WORK/ctx-${tag//[\/:]/-}
    mkdir -p "$context"
    cat > "$context/Dockerfile"
    echo "fixture file" > "$context/app.txt"
    # The classic builder records build arguments in the history, as many CI systems still do.
    DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t "$tag" "$@" "$context" >/dev/null 2>"$WORK/build.log" \
        || { cat "$WORK/build.log" >&2; exit 1; }
}

# Images whose layers hold what the image-contents rules look for (§4.3, 4.8, 4.10): setuid files, a private key
# added then deleted, another hidden by an opaque directory, credential files, an empty shadow password, a
# world-writable directory, sshd (from the base). And one clean image, which also deletes the base's sshd (a whiteout).
# The secret strings are fixed: tests check that none of them ever appears in any output.
contents_fixtures() {
    local context=$WORK/ctx-contents
    mkdir -p "$context"
    printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAfixtureDeletedKeyMaterial0001\n-----END OPENSSH PRIVATE KEY-----\n' > "$context/id_rsa"
    printf -- '-----BEGIN RSA PRIVATE KEY-----\nMIIEfixtureOpaqueKeyMaterial0002\n-----END RSA PRIVATE KEY-----\n' > "$context/deploy.pem"
    printf -- '-----BEGIN PRIVATE KEY-----\nMIIEfixtureLiveKeyMaterial0003\n-----END PRIVATE KEY-----\n' > "$context/server.key"
    printf '[default]\naws_access_key_id = AKIAFIXTUREFIXTURE01\naws_secret_access_key = fixtureAwsSecretValue0004\n' > "$context/credentials"
    printf '{"auths": {"registry.example.com": {"auth": "Zml4dHVyZTpmaXh0dXJlRG9ja2VyQXV0aDAwMDU="}}}\n' > "$context/config.json"
    printf '//registry.npmjs.org/:_authToken=fixtureNpmToken0006\n' > "$context/npmrc"
    printf 'DATABASE_URL=postgres://app@db/app\nAPI_TOKEN=fixtureEnvToken0007\n' > "$context/env"
    printf 'root::19000:0:99999:7:::\napp:!:19000:0:99999:7:::\n' > "$context/shadow"
    cat > "$context/Dockerfile" <<DOCKERFILE
FROM ${PREFIX}/base:1
COPY id_rsa /root/.ssh/id_rsa
RUN /bin/busybox rm /root/.ssh/id_rsa
COPY deploy.pem /opt/keys/deploy.pem
RUN /bin/busybox rm -rf /opt/keys && /bin/busybox mkdir -p /opt/keys
COPY server.key /etc/ssl/private/server.key
COPY credentials /root/.aws/credentials
COPY config.json /root/.docker/config.json
COPY npmrc /app/.npmrc
COPY env /app/.env
COPY shadow /etc/shadow
RUN /bin/busybox mkdir -p /usr/local/bin /data/drop /data/shared \\
 && /bin/busybox cp /bin/busybox /usr/local/bin/tool && /bin/busybox chmod 4755 /usr/local/bin/tool \\
 && /bin/busybox cp /bin/busybox /usr/local/bin/grouptool && /bin/busybox chmod 2755 /usr/local/bin/grouptool \\
 && /bin/busybox chmod 0777 /data/drop && /bin/busybox chmod 1777 /data/shared
DOCKERFILE
    DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t ${PREFIX}/contents:1 "$context" >/dev/null 2>"$WORK/build.log" \
        || { cat "$WORK/build.log" >&2; exit 1; }
    build ${PREFIX}/contents-clean:1 <<DOCKERFILE
FROM ${PREFIX}/base:1
RUN /bin/busybox rm /usr/sbin/sshd
COPY app.txt /app/app.txt
USER 10001:10001
DOCKERFILE
}

# Images with package databases in their real formats, for the inventory, SBOM and vulnerability tests
# (Tests/DockerBaselineTests/VulnerabilityTests.swift names exactly what each holds): a Debian one whose dpkg status a
# later layer rewrites (libssl3 upgraded), with a Python wheel, an npm package and a Go binary (built here); an Alpine one; an AlmaLinux one with
# an sqlite rpmdb made by rpm itself from packages built here with rpmbuild.
vulns_fixtures() {
    local context=$WORK/ctx-vulns data
    data=$(cd "$(dirname "$0")/.." && pwd)/Tests/DockerBaselineTests/Vulnerabilities/images
    mkdir -p "$context"
    cp -r "$data/debian" "$data/alpine" "$context/"
    # An sqlite rpmdb, as RHEL 9 and its rebuilds have, written by rpm from packages built here.
    local rpmtop=$WORK/rpmbuild
    mkdir -p "$rpmtop/SPECS" "$context/rpm/var/lib/rpm" "$context/rpm/etc"
    cp "$data/rpm/os-release" "$context/rpm/etc/os-release"
    cp "$data/rpm/"*.spec "$rpmtop/SPECS/"
    for spec in "$rpmtop"/SPECS/*.spec; do
        rpmbuild --quiet --define "_topdir $rpmtop" -bb "$spec" >/dev/null 2>"$WORK/rpm.log" || { cat "$WORK/rpm.log" >&2; exit 1; }
    done
    rpm --dbpath "$WORK/rpmdb" --initdb
    rpm --dbpath "$WORK/rpmdb" -i --justdb --nodeps --noscripts --ignorearch --ignoreos "$rpmtop"/RPMS/*/*.rpm 2>/dev/null
    cp "$WORK/rpmdb/rpmdb.sqlite" "$context/rpm/var/lib/rpm/rpmdb.sqlite"
    # A Go program with a vendored dependency: its build information names the module versions and the toolchain's.
    cp -r "$data/go" "$WORK/go"
    (cd "$WORK/go" && HOME=$WORK GOCACHE=$WORK/gocache GOPATH=$WORK/gopath GOPROXY=off GOFLAGS=-mod=vendor CGO_ENABLED=0 \
        go build -trimpath -o "$context/hello" .) || exit 1
    cat > "$context/Dockerfile.debian" <<DOCKERFILE
FROM ${PREFIX}/base:1
COPY debian/base/ /
COPY debian/status-upgraded /var/lib/dpkg/status
COPY debian/python/ /usr/lib/python3/dist-packages/
COPY debian/node/ /app/node_modules/
COPY hello /usr/local/bin/hello
DOCKERFILE
    printf 'FROM %s/base:1\nCOPY alpine/ /\n' "$PREFIX" > "$context/Dockerfile.alpine"
    printf 'FROM %s/base:1\nCOPY rpm/ /\n' "$PREFIX" > "$context/Dockerfile.rpm"
    for image in debian alpine rpm; do
        DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t ${PREFIX}/vulns-$image:1 -f "$context/Dockerfile.$image" "$context" \
            >/dev/null 2>"$WORK/build.log" || { cat "$WORK/build.log" >&2; exit 1; }
    done
    # A container (never started) from the Alpine one: `audit` judges 4.4 on the images containers use.
    docker rm -f ${PREFIX}-vulns >/dev/null 2>&1 || true
    docker create --name ${PREFIX}-vulns --label "$LABEL" ${PREFIX}/vulns-alpine:1 true >/dev/null
}

up() {
    down
    make_rootfs
    contents_fixtures
    vulns_fixtures

    build ${PREFIX}/hardened:1 <<DOCKERFILE
FROM ${PREFIX}/base:1
COPY app.txt /app/app.txt
ENV APP_PASSWORD_FILE=/run/secrets/app
HEALTHCHECK --interval=30s CMD ["/bin/true"]
USER 10001:10001
DOCKERFILE

    build ${PREFIX}/leaky:1 --build-arg NPM_TOKEN=npm_fixtureSecretToken123 <<DOCKERFILE
FROM ${PREFIX}/base:1
ARG NPM_TOKEN
ENV DB_PASSWORD=hunter2-fixture-secret
RUN apt-get update || true
ADD app.txt /app/
RUN echo building with \$NPM_TOKEN > /dev/null
DOCKERFILE

    # A tag rebuilt after a container was created from it: the container runs the older image.
    build ${PREFIX}/stale:1 <<DOCKERFILE
FROM ${PREFIX}/hardened:1
LABEL generation=1
DOCKERFILE
    docker create --name ${PREFIX}-stale --label "$LABEL" ${PREFIX}/stale:1 sleep 1 >/dev/null
    build ${PREFIX}/stale:1 <<DOCKERFILE
FROM ${PREFIX}/hardened:1
LABEL generation=2
DOCKERFILE

    docker network create --label "$LABEL" ${PREFIX}-net >/dev/null
    local hardened=(--label "$LABEL" --user 10001:10001 --read-only --memory 64m --cpus 0.5 --pids-limit 50
        --security-opt no-new-privileges --cap-drop ALL --restart on-failure:3 --network ${PREFIX}-net
        --ulimit nofile=1024:2048)

    # Complies with nearly every runtime rule, running and never started.
    docker run -d --name ${PREFIX}-hardened "${hardened[@]}" -p 127.0.0.1:18080:8080 ${PREFIX}/hardened:1 sleep 100000 >/dev/null
    docker create --name ${PREFIX}-hardened-created "${hardened[@]}" -p 127.0.0.1:18081:8080 ${PREFIX}/hardened:1 sleep 100000 >/dev/null
    # Hardened, but root by --user and with the image's health check switched off.
    docker create --name ${PREFIX}-rootuser "${hardened[@]}" --user root --no-healthcheck ${PREFIX}/hardened:1 sleep 1 >/dev/null

    # Privileged containers can be created but not started on this kernel; the benchmark judges them anyway.
    docker create --name ${PREFIX}-privileged --label "$LABEL" --privileged -v /:/host -v /var/run/docker.sock:/var/run/docker.sock \
        --restart always -p 80:80 -p '[::]:8443:443' ${PREFIX}/base:1 sleep 1 >/dev/null
    docker run -d --name ${PREFIX}-caps --label "$LABEL" --cap-add SYS_ADMIN --cap-add SYS_TIME \
        --security-opt seccomp=unconfined --security-opt no-new-privileges=false --restart unless-stopped \
        --cpu-shares 512 ${PREFIX}/base:1 sleep 100000 >/dev/null
    docker run -d --name ${PREFIX}-hostns --label "$LABEL" --network host --pid host --ipc host --uts host \
        --userns host --restart on-failure ${PREFIX}/base:1 sleep 100000 >/dev/null
    docker run -d --name ${PREFIX}-mounts --label "$LABEL" -v /etc:/host-etc:ro -v /var/run:/host-run:ro \
        --device /dev/null:/dev/host-null:rwm --restart on-failure:10 ${PREFIX}/base:1 sleep 100000 >/dev/null
    docker create --name ${PREFIX}-propagation --label "$LABEL" \
        --mount type=bind,source=/tmp,target=/shared,bind-propagation=rshared --cgroup-parent dbt-parent \
        ${PREFIX}/base:1 sleep 1 >/dev/null
    # No logs at all, /proc and /sys unmasked, the host's cgroup namespace, and a seccomp profile that allows everything
    # but chmod (the enterprise baseline's own example).
    printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO"}]}\n' > "$WORK/allow-all.json"
    docker create --name ${PREFIX}-isolation --label "$LABEL" --log-driver none --security-opt systempaths=unconfined --cgroupns host \
        --security-opt seccomp="$WORK/allow-all.json" ${PREFIX}/base:1 sleep 1 >/dev/null
    docker run -d --name ${PREFIX}-sshd --label "$LABEL" --expose 2222 -P ${PREFIX}/base:1 /usr/sbin/sshd 100000 >/dev/null
    docker run -d --name ${PREFIX}-paused --label "$LABEL" ${PREFIX}/base:1 sleep 100000 >/dev/null
    docker pause ${PREFIX}-paused >/dev/null
    docker run --name ${PREFIX}-exited --label "$LABEL" ${PREFIX}/leaky:1 true >/dev/null
}

case "${1:-}" in
    up) up ;;
    # Only the image-contents fixtures (the base image is made if missing), beside fixtures already up.
    contents) docker image inspect ${PREFIX}/base:1 >/dev/null 2>&1 || make_rootfs; contents_fixtures ;;
    vulns) docker image inspect ${PREFIX}/base:1 >/dev/null 2>&1 || make_rootfs; vulns_fixtures ;;
    down) down ;;
    *) echo "usage: $0 up|down|contents|vulns" >&2; exit 2 ;;
esac
