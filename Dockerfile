# docker-baseline as a container image: audits the host it runs on, as docker-bench-security is usually run.
#   scripts/image.sh            builds it (docker-baseline:local), from this machine's build, with no registry needed
#   docker run --rm --user 0 --pid host -v /var/run/docker.sock:/var/run/docker.sock:ro -v /:/host:ro \
#       docker-baseline:local audit --root /host
# The host checks read root-only files (/host/etc/docker, dockerd's /proc entries), so an audit runs as root with
# everything read-only; the image's own user is unprivileged, for `lint` and `image` on files.
# BASE is any glibc image carrying the libraries the binary needs; scripts/image.sh makes a minimal one.
ARG BASE=debian:12-slim
# docker-baseline ignore=dockerfile.healthcheck a command that runs once and exits, not a service to watch
FROM ${BASE}
COPY docker-baseline /usr/local/bin/docker-baseline
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/docker-baseline"]
CMD ["audit", "--root", "/host"]
