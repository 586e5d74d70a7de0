#!/usr/bin/env python3
"""Generate a deterministic corpus of realistic Dockerfiles for benchmarks/lint.sh.

    benchmarks/generate-dockerfiles.py OUTDIR [N=1000] [--seed 1] [--edge-rate 0.1]

Writes N files (20-150 lines each) as OUTDIR/svc-0001/Dockerfile, ... (one directory per file); about one in
twenty is named OUTDIR/svc-NNNN/<name>.Dockerfile instead. The mix: multi-stage builds (builder + runtime),
ARG before FROM, `# syntax=` directives, long `\\` continuations with `&&` chains (apt-get, apk, yum, pip, npm,
go build), heredocs (`RUN <<EOF`, `RUN <<-EOT` with tab-indented bodies, two heredocs in one RUN,
`COPY <<EOF /etc/...`), COPY --from, --mount=type=cache, multi-pair ENV/LABEL, EXPOSE, USER, HEALTHCHECK,
comments and blank lines, a few CRLF files, and deliberate problems in some files (no USER, curl | sh, ADD,
`latest` tags, sudo, chmod u+s, ENV PASSWORD=...). The same seed always yields byte-identical output.
--edge-rate R (default 0.1) is the fraction of files that also use heredoc edge cases: `<<-` with a tab-indented
body, two heredocs in one RUN, an instruction or comment straight after a terminator (hadolint 2.x reports DL1000
and stops on each of these; the other files put a blank line after every terminator).
Prints a one-line summary of what was generated (counts per feature) to stderr.
"""
import argparse
import os
import random
import sys
from collections import Counter

LANGS = ["node", "python", "go", "java", "alpine", "debian", "rhel"]
PKGS_APT = ["ca-certificates", "curl", "git", "build-essential", "libpq-dev", "libssl-dev", "pkg-config",
            "tzdata", "locales", "gnupg", "unzip", "jq", "libxml2-dev", "libffi-dev", "zlib1g-dev", "make"]
PKGS_APK = ["ca-certificates", "curl", "git", "build-base", "postgresql-dev", "openssl-dev", "tzdata",
            "bash", "jq", "libffi-dev", "musl-dev", "linux-headers", "zlib-dev"]
PKGS_YUM = ["ca-certificates", "curl", "git", "gcc", "make", "openssl-devel", "tar", "gzip", "which", "shadow-utils"]
PIP = ["flask==3.0.2", "gunicorn==21.2.0", "requests==2.31.0", "psycopg2-binary==2.9.9", "celery==5.3.6",
       "redis==5.0.1", "pydantic==2.6.1", "uvicorn==0.27.1", "sqlalchemy==2.0.27", "boto3==1.34.44"]


class Gen:
    def __init__(self, rnd, idx, edge_rate):
        self.r = rnd
        self.idx = idx
        # "edgy" files use the heredoc forms hadolint 2.x cannot parse (see heredoc_run); the others follow every
        # terminator with a blank line, so both tools do the full work on most of the corpus
        self.edgy = rnd.random() < edge_rate
        self.lines = []
        self.feat = Counter()

    def add(self, *lines):
        self.lines.extend(lines)

    def blank_or_comment(self, p=0.5):
        if self.r.random() < p:
            self.add("")
        if self.r.random() < p * 0.6:
            self.add("# " + self.r.choice([
                "install build dependencies", "keep the image small", "see docs/build.md",
                "pin versions for reproducible builds", "TODO: drop once upstream ships arm64",
                "application layer", "cache-friendly ordering: manifests first", "runtime configuration"]))

    def cont_run(self, cmds, mount=None, indent="    "):
        head = "RUN " + (mount + " " if mount else "")
        out = [head + cmds[0] + " \\"]
        for i, c in enumerate(cmds[1:]):
            last = i == len(cmds) - 2
            out.append(indent + "&& " + c + ("" if last else " \\"))
        if len(cmds) == 1:
            out[0] = out[0][:-2]
        self.add(*out)

    def pkgs(self, pool, lo=3, hi=9):
        return self.r.sample(pool, self.r.randint(lo, min(hi, len(pool))))

    def apt_install(self, mount=False):
        pk = self.pkgs(PKGS_APT)
        # a package list spread over several continuation lines
        body = []
        for i in range(0, len(pk), 3):
            body.append("        " + " ".join(pk[i:i + 3]) + " \\")
        self.add("RUN " + ("--mount=type=cache,target=/var/cache/apt,sharing=locked " if mount else "")
                 + "set -eux; \\", "    apt-get update; \\",
                 "    apt-get install -y --no-install-recommends \\", *body,
                 "    ; \\", "    rm -rf /var/lib/apt/lists/*")
        self.feat["apt"] += 1

    def apk_install(self):
        pk = self.pkgs(PKGS_APK)
        self.cont_run(["apk add --no-cache " + " ".join(pk[:4]), "apk add --no-cache --virtual .build-deps "
                       + " ".join(pk[4:] or ["gcc"]), "mkdir -p /app /data"])
        self.feat["apk"] += 1

    def yum_install(self):
        pk = self.pkgs(PKGS_YUM)
        self.cont_run(["yum install -y " + " ".join(pk), "yum clean all", "rm -rf /var/cache/yum"])
        self.feat["yum"] += 1

    def heredoc_run(self):
        kind = self.r.randrange(6) if self.edgy else self.r.choice([0, 2, 4, 5])
        if kind == 0:
            self.add("RUN <<EOF", "set -e", "mkdir -p /app/data /app/logs", "groupadd -r app && useradd -r -g app app",
                     "chown -R app:app /app", "EOF")
            self.feat["heredoc"] += 1
        elif kind == 1:
            # <<- strips leading tabs from the body and terminator
            self.add("RUN <<-EOT", "\tset -eux", "\tfor d in cache tmp run; do", "\t\tmkdir -p /var/app/$d",
                     "\tdone", "\tEOT")
            self.feat["heredoc-dash"] += 1
        elif kind == 2:
            self.add("RUN <<EOF bash", "set -euo pipefail", "if [ -f /etc/os-release ]; then", "  . /etc/os-release",
                     "  echo \"building on $ID $VERSION_ID\"", "fi", "EOF")
            self.feat["heredoc-cmd"] += 1
        elif kind == 3:
            # two heredocs feeding one RUN
            self.add("RUN <<FILE1 cat > /etc/app/a.conf && <<FILE2 cat > /etc/app/b.conf", "listen 8080",
                     "workers 4", "FILE1", "log_level info", "log_format json", "FILE2")
            self.feat["heredoc-two"] += 1
        elif kind == 4:
            self.add("RUN <<'EOF'", "python3 - <<'PY'", "import json, sys", "print(json.dumps({'ok': True}))",
                     "PY", "EOF")
            self.feat["heredoc-quoted"] += 1
        else:
            self.add("RUN <<EOF", "set -e", "echo 'export PATH=/app/bin:$PATH' >> /etc/profile.d/app.sh", "EOF")
            self.feat["heredoc"] += 1
        self.after_terminator()

    def after_terminator(self):
        # edge case: the next instruction (or a comment) straight after the terminator, no blank line
        if self.edgy and self.r.random() < 0.5:
            self.feat["after-terminator"] += 1
        else:
            self.add("")
            self.blank_or_comment(0.3)

    def copy_heredoc(self):
        self.add("COPY <<EOF /etc/app/config.yaml", "server:", "  port: 8080", "  read_timeout: 30s", "logging:",
                 "  level: info", "EOF")
        self.after_terminator()
        self.feat["copy-heredoc"] += 1

    def env_label(self):
        k = self.r.randint(2, 5)
        pairs = self.r.sample([("APP_ENV", "production"), ("PORT", "8080"), ("LANG", "C.UTF-8"),
                               ("TZ", "UTC"), ("LOG_LEVEL", "info"), ("PYTHONUNBUFFERED", "1"),
                               ("NODE_ENV", "production"), ("GOMAXPROCS", "2"), ("APP_HOME", "/app")], k)
        if self.r.random() < 0.5:
            self.add("ENV " + " \\\n    ".join(f"{a}={b}" for a, b in pairs))
        else:
            self.add("ENV " + " ".join(f"{a}={b}" for a, b in pairs))
        self.add("LABEL org.opencontainers.image.title=\"svc-%04d\" \\" % self.idx,
                 "      org.opencontainers.image.source=\"https://git.example.com/team/svc-%04d\" \\" % self.idx,
                 "      org.opencontainers.image.licenses=\"Apache-2.0\" \\",
                 "      maintainer=\"platform@example.com\"")

    def filler_runs(self, n):
        for _ in range(n):
            c = self.r.randrange(7)
            if c == 5:
                self.add("COPY --chown=1000:1000 --chmod=0755 scripts/ /app/scripts/",
                         "COPY config/%s.yaml /etc/app/" % self.r.choice(["prod", "staging", "default"]))
            elif c == 6:
                self.cont_run(["groupadd --system --gid 1000 app", "useradd --system --uid 1000 --gid app \\\n"
                               "        --home-dir /app --shell /usr/sbin/nologin app", "chown -R app:app /app"])
            elif c == 0:
                self.cont_run(["mkdir -p /app/tmp /app/cache", "chmod 0755 /app/tmp", "ln -sf /dev/stdout /app/logs/out.log"])
            elif c == 1:
                self.cont_run(["echo 'building'", "test -d /app", "find /app -name '*.pyc' -delete",
                               "find /app -type d -name __pycache__ -prune -exec rm -rf {} +"])
            elif c == 2:
                self.add("RUN set -eux; \\", "    # comment inside a continuation", "    ls -la /app; \\",
                         "", "    du -sh /app")
                self.feat["comment-in-continuation"] += 1
            elif c == 3:
                self.heredoc_run()
            else:
                self.add("ARG BUILD_DATE", "ARG VCS_REF=unknown")
            self.blank_or_comment(0.4)

    def problems(self):
        """Deliberate findings in about a third of the files; returns True if USER should be skipped."""
        r = self.r
        skip_user = r.random() < 0.15
        if skip_user:
            self.feat["no-user"] += 1
        if r.random() < 0.10:
            self.add("RUN curl -fsSL https://install.example.com/setup.sh | sh")
            self.feat["curl-sh"] += 1
        if r.random() < 0.10:
            self.add("ADD ./vendor/tools.tar.gz /opt/tools/")
            self.feat["add"] += 1
        if r.random() < 0.05:
            self.add("RUN apt-get update && apt-get install -y sudo && echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers")
            self.feat["sudo"] += 1
        if r.random() < 0.04:
            self.add("RUN chmod u+s /usr/local/bin/helper")
            self.feat["setuid"] += 1
        if r.random() < 0.05:
            self.add("ENV DB_PASSWORD=changeme123 API_TOKEN=tok_example_0000")
            self.feat["env-secret"] += 1
        return skip_user

    def build(self):
        r = self.r
        lang = r.choice(LANGS)
        latest = r.random() < 0.08
        if latest:
            self.feat["latest"] += 1
        if r.random() < 0.4:
            self.add("# syntax=docker/dockerfile:1" + r.choice(["", ".7", ".4"]))
            self.feat["syntax"] += 1
        self.add("# svc-%04d: %s service" % (self.idx, lang), "")
        ver = {"node": "20.11", "python": "3.12", "go": "1.22", "java": "21", "alpine": "3.19",
               "debian": "bookworm", "rhel": "9.3"}[lang]
        if r.random() < 0.5:
            self.add(f"ARG BASE_VERSION={ver}")
            self.feat["arg-before-from"] += 1
            vref = "${BASE_VERSION}"
        else:
            vref = ver
        tag = "latest" if latest else vref
        builder, runtime, body = {
            "node": (f"node:{tag}-bookworm", "node:%s-bookworm-slim" % vref, self.node),
            "python": (f"python:{tag}", "python:%s-slim" % vref, self.python),
            "go": (f"golang:{tag}", "gcr.io/distroless/static-debian12:nonroot", self.go),
            "java": (f"eclipse-temurin:{tag}-jdk", "eclipse-temurin:%s-jre" % vref, self.java),
            "alpine": (f"alpine:{tag}", "alpine:%s" % vref, self.alpine),
            "debian": (f"debian:{tag}", "debian:%s-slim" % vref, self.debian),
            "rhel": (f"registry.access.redhat.com/ubi9/ubi:{tag}", "registry.access.redhat.com/ubi9/ubi-minimal:%s" % vref,
                     self.rhel),
        }[lang]
        multistage = r.random() < 0.7
        if multistage:
            self.feat["multi-stage"] += 1
            self.add(f"FROM {builder} AS {r.choice(['builder', 'build', 'Build', 'deps'])}")
            stage = self.lines[-1].split()[-1]
            self.add("WORKDIR /src")
            body(build=True)
            self.blank_or_comment(0.7)
            self.add(f"FROM {runtime}")
        else:
            stage = None
            self.add(f"FROM {builder}")
        self.add("WORKDIR /app")
        self.env_label()
        self.blank_or_comment(0.6)
        if stage:
            self.add(f"COPY --from={stage} --chown=1000:1000 /out/ /app/")
        body(build=False)
        if r.random() < 0.3:
            self.copy_heredoc()
        self.filler_runs(int(r.triangular(0, 24, 3)))
        skip_user = self.problems()
        self.add("EXPOSE " + r.choice(["8080", "8080 9090", "3000", "8000/tcp", "5000"]))
        if r.random() < 0.5:
            self.add("HEALTHCHECK --interval=30s --timeout=3s --retries=3 \\",
                     "    CMD [\"/app/healthcheck\", \"--quiet\"]")
            self.feat["healthcheck"] += 1
        if not skip_user:
            self.add("USER " + r.choice(["1000", "app", "1000:1000", "nonroot", "app:app"]))
        self.blank_or_comment(0.3)
        self.add(r.choice(['ENTRYPOINT ["/app/entrypoint.sh"]', 'CMD ["/app/server", "--port", "8080"]',
                           "CMD exec /app/server --port 8080"]))
        # pad to the 20-line minimum with comments, trim to 150 lines
        text = "\n".join(self.lines).split("\n")
        while len(text) < 20:
            text.insert(len(text) - 1, "# padding: keep the runtime stage small")
        return text if len(text) <= 150 else self.trim(text)

    @staticmethod
    def trim(text):
        # drop whole filler blocks from the middle rather than cutting an instruction in half
        while len(text) > 150:
            for i in range(len(text) - 2, 0, -1):
                if text[i].startswith("# ") and not text[i].startswith("# syntax"):
                    del text[i]
                    break
                if text[i] == "" and i > 3:
                    del text[i]
                    break
            else:
                break
        return text

    # --- language bodies: build=True for the builder stage, False for the runtime/single stage ---
    def node(self, build):
        if build:
            self.add("COPY package.json package-lock.json ./",
                     "RUN --mount=type=cache,target=/root/.npm \\", "    npm ci --no-audit --no-fund")
            self.feat["mount-cache"] += 1
            self.add("COPY . .")
            self.cont_run(["npm run build", "npm prune --omit=dev", "mkdir -p /out", "cp -r dist node_modules package.json /out/"])
        else:
            if self.r.random() < 0.5:
                self.apt_install()
            self.add("ENV NODE_OPTIONS=--max-old-space-size=512")

    def python(self, build):
        if build:
            self.apt_install(mount=True)
            self.feat["mount-cache"] += 1
            self.add("COPY requirements.txt .")
            self.add("RUN --mount=type=cache,target=/root/.cache/pip \\",
                     "    python -m venv /out/venv \\",
                     "    && /out/venv/bin/pip install --upgrade pip \\",
                     "    && /out/venv/bin/pip install -r requirements.txt \\",
                     "    && /out/venv/bin/pip install " + " ".join(self.pkgs(PIP, 2, 5)))
            self.add("COPY . /out/app")
        else:
            self.add("ENV PATH=/app/venv/bin:$PATH")
            self.cont_run(["pip install --no-cache-dir " + " ".join(self.pkgs(PIP, 1, 3)), "python -c 'import sys; print(sys.version)'"])

    def go(self, build):
        if build:
            self.add("COPY go.mod go.sum ./")
            self.add("RUN --mount=type=cache,target=/go/pkg/mod go mod download")
            self.add("COPY . .")
            self.add("RUN --mount=type=cache,target=/go/pkg/mod \\",
                     "    --mount=type=cache,target=/root/.cache/go-build \\",
                     "    CGO_ENABLED=0 GOOS=linux go build -trimpath \\",
                     "        -ldflags=\"-s -w -X main.version=${VCS_REF:-dev}\" \\",
                     "        -o /out/server ./cmd/server \\",
                     "    && go test ./... -run TestSmoke -count=1")
            self.feat["mount-cache"] += 1
        else:
            self.add("ENV GODEBUG=madvdontneed=1")

    def java(self, build):
        if build:
            self.add("COPY mvnw pom.xml ./", "COPY .mvn .mvn")
            self.add("RUN --mount=type=cache,target=/root/.m2 ./mvnw -B dependency:go-offline")
            self.add("COPY src src")
            self.cont_run(["./mvnw -B -DskipTests package", "mkdir -p /out", "cp target/*.jar /out/app.jar"])
            self.feat["mount-cache"] += 1
        else:
            self.add("ENV JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError\"")

    def alpine(self, build):
        self.apk_install()
        if build:
            self.add("COPY . .")
            self.cont_run(["make -j2", "make install DESTDIR=/out", "strip /out/usr/local/bin/* || true"])

    def debian(self, build):
        self.apt_install(mount=build)
        if build:
            self.add("COPY . .")
            self.cont_run(["./configure --prefix=/usr/local", "make -j$(nproc)", "make install DESTDIR=/out"])

    def rhel(self, build):
        self.yum_install()
        if build:
            self.add("COPY . .")
            self.cont_run(["make", "mkdir -p /out", "cp -r bin /out/"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edge-rate", type=float, default=0.1,
                    help="fraction of files using heredoc edge cases (<<- with tabs, two heredocs in one RUN, "
                         "an instruction straight after the terminator); default 0.1")
    a = ap.parse_args()
    total = Counter()
    lines = 0
    for i in range(1, a.n + 1):
        rnd = random.Random(a.seed * 1_000_003 + i)
        g = Gen(rnd, i, a.edge_rate)
        text = g.build()
        total.update(g.feat)
        total["edge-case-files"] += g.edgy
        lines += len(text)
        crlf = rnd.random() < 0.03
        if crlf:
            total["crlf"] += 1
        d = os.path.join(a.outdir, "svc-%04d" % i)
        os.makedirs(d, exist_ok=True)
        name = "Dockerfile" if rnd.random() >= 0.05 else rnd.choice(["api", "worker", "migrate"]) + ".Dockerfile"
        with open(os.path.join(d, name), "w", newline="") as f:
            f.write(("\r\n" if crlf else "\n").join(text) + ("\r\n" if crlf else "\n"))
    feats = " ".join(f"{k}={v}" for k, v in sorted(total.items()))
    print(f"generated {a.n} Dockerfiles ({lines} lines, avg {lines / max(a.n, 1):.0f}) in {a.outdir}: {feats}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
