#!/usr/bin/env bash
# Builds the docker-baseline container image (the Dockerfile at the top) without a registry: the base is a root
# filesystem holding exactly the libraries the binary needs, taken from this machine and imported with `docker import`.
#   scripts/image.sh [--binary PATH] [--tag TAG]
# Default binary: a release build (built here when missing); default tag: docker-baseline:local.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=
tag=docker-baseline:local
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=${2:?}; shift 2 ;;
        --tag) tag=${2:?}; shift 2 ;;
        *) echo "image.sh: unknown argument $1 (expected --binary PATH, --tag TAG)" >&2; exit 2 ;;
    esac
done
if [ -z "$binary" ]; then
    binary=$(scripts/build-release.sh)
fi
work=$(mktemp -d /tmp/dbt-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{etc,tmp,work,usr/local/bin} "$work/context"
chmod 1777 "$root/tmp"
# The dynamic loader and every library the binary loads, at the same paths.
for lib in $(ldd "$binary" | grep -oE '/[^ ]+'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
[ -e /etc/ssl/certs/ca-certificates.crt ] && { mkdir -p "$root/etc/ssl/certs"; cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; }
printf 'root:x:0:0:root:/root:/sbin/nologin\nbaseline:x:10001:10001:docker-baseline:/work:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nbaseline:x:10001:\n' > "$root/etc/group"
base=${tag%%:*}-base:local
tar -C "$root" -c . | docker import - "$base" >/dev/null
cp "$binary" "$work/context/docker-baseline"
cp Dockerfile "$work/context/Dockerfile"
docker build -q --build-arg BASE="$base" -t "$tag" "$work/context" >/dev/null
echo "built $tag (base $base)" >&2
