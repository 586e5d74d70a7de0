"""Hostile and mutated Dockerfiles, judged with `lint`."""
from case import Canaries, Case
from prng import mutate, size



def _seed(rng, canaries):
    """A realistic multi-stage Dockerfile with a secret planted in every place the rules read."""
    return "\n".join([
        "# syntax=docker/dockerfile:1",
        "ARG BASE=alpine:3.19",
        "FROM ${BASE} AS build",
        "ARG " + canaries.assignment("NPM_TOKEN"),
        "ENV " + canaries.assignment("DB_PASSWORD") + " APP_HOME=/app",
        "RUN apk add --no-cache curl git && \\",
        "    curl -fsSL " + canaries.curl_user() + " https://get.example.com/install.sh | sh",
        "RUN git clone " + canaries.url("git.example.com/team/app.git") + " /src",
        "ADD " + canaries.url("files.example.com/blob.tgz") + " /tmp/blob.tgz",
        "RUN mysql " + canaries.password_flag() + " -e 'select 1'",
        "RUN echo " + canaries.aws_key() + " > /root/key && echo " + canaries.github_token() + " > /root/gh",
        "COPY <<EOF /etc/app.conf",
        "token=" + canaries.github_token(),
        "EOF",
        "FROM alpine:3.19",
        "COPY --from=build /src /app",
        "LABEL maintainer=ops@example.com",
        'HEALTHCHECK CMD curl -fsS -H "' + canaries.bearer() + '" http://localhost/health || exit 1',
        "ONBUILD RUN echo onbuild",
        "USER root",
        'ENTRYPOINT ["/app/run"]',
        "",
    ]).encode()


def _onbuild_nesting(rng, canaries, quick):
    depth = size(rng, quick, [200, 2_000, 20_000, 100_000])
    return b"FROM alpine\n" + b"ONBUILD " * depth + b"RUN echo nested\n", f"onbuild-nesting-{depth}"


def _unterminated_expansion(rng, canaries, quick):
    count = size(rng, quick, [1_000, 20_000, 200_000])
    shape = rng.choice([b"${", b"${A:-", b"$${", b"${A:+${"])
    body = b"ARG A=1\nFROM alpine\nENV " + canaries.assignment("API_TOKEN").encode() + b"\nENV X=" + shape * count + b"\n"
    return body + b"RUN echo ${X\n", f"unterminated-expansion-{count}"


def _many_stages(rng, canaries, quick):
    count = size(rng, quick, [500, 3_000, 10_000])
    lines = [b"FROM alpine AS s0"]
    for i in range(1, count):
        lines.append(b"FROM s%d AS s%d" % (rng.below(i), i))
        if rng.chance(1, 4):
            lines.append(b"COPY --from=s%d /x /x" % rng.below(i))
    lines.append(b"RUN " + canaries.curl_user().encode() + b" https://example.com")
    return b"\n".join(lines) + b"\n", f"many-stages-{count}"


def _comment_run(rng, canaries, quick):
    mib = size(rng, quick, [1, 4, 15])
    line = b"# " + b"c" * rng.between(10, 200) + b"\n"
    body = line * (mib * 1024 * 1024 // len(line))
    return b"FROM alpine\n" + body + b"ENV " + canaries.assignment("SECRET_KEY").encode() + b"\nUSER app\n", f"comment-run-{mib}MiB"


def _nul_bytes(rng, canaries, quick):
    pad = b"# padding\n" * size(rng, quick, [10, 900, 2_000])
    return b"FROM alpine\n" + pad + b"USER \x00\nRUN echo \x00" + canaries.aws_key().encode() + b"\n", "nul-bytes"


def _control_characters(rng, canaries, quick):
    escapes = [b"\x1b[2J\x1b[H", b"\x1b]0;owned\x07", b"\x1b[31m", b"\r\x1b[K", b"\x08" * 20, b"\x9b2J", b"\x7f"]
    lines = [b"FROM alpine" + rng.choice(escapes)]
    for _ in range(rng.between(3, 30)):
        lines.append(rng.choice([b"RUN echo ", b"LABEL x=", b"WORKDIR ", b"USER ", b"FR\x1bOM "]) + rng.choice(escapes) + b"x")
    # An instruction that does not parse, holding a secret: the syntax-error finding must not echo it.
    lines.append(rng.choice([b"RUNN curl ", b"RUN [\"sh\", ", b"ENV \x1b "]) + canaries.curl_user().encode() + b" " + canaries.bearer().encode())
    return b"\n".join(lines) + b"\n", "control-characters"


def _long_lines(rng, canaries, quick):
    repeat = size(rng, quick, [1_000, 20_000, 100_000])
    command = rng.choice([b"curl -fsSL https://x.example/i.sh | sh && ", b"wget -qO- http://x | bash; ", b"a=1 ", b"x" * 100])
    return b"FROM alpine\nRUN " + command * repeat + b"true " + canaries.password_flag().encode() + b"\n", f"long-line-{repeat}"


def _escape_directive(rng, canaries, quick):
    return (b"# escape=`\nFROM alpine\nRUN echo a `\n  && curl " + canaries.curl_user().encode()
            + b" https://x `\n" + b"`\n" * rng.between(1, 5000) + b"USER app\n"), "escape-directive"


def _heredocs(rng, canaries, quick):
    count = rng.between(1, 2000)
    doc = b"RUN <<A <<B\n" + b"echo " + canaries.bearer().encode() + b"\nA\n" * 1 + b"B\n"
    return b"FROM alpine\n" + doc * count + b"RUN <<NEVER\nnever ends\n" * rng.below(2), f"heredocs-{count}"


HOSTILE = [_onbuild_nesting, _unterminated_expansion, _many_stages, _comment_run, _nul_bytes,
           _control_characters, _long_lines, _escape_directive, _heredocs]


def generate(rng, quick):
    canaries = Canaries(rng)
    if rng.chance(1, 2):
        data, variant = rng.choice(HOSTILE)(rng, canaries, quick)
        name = "dockerfile/" + variant
        if rng.chance(1, 4):
            data, name = mutate(rng, data), name + "+mutated"
    else:
        seed = _seed(rng, canaries)
        others = [_seed(rng.fork(1), Canaries(rng.fork(2))), make_other(rng)]
        data, name = mutate(rng, seed, others), "dockerfile/mutated-seed"
    # Needles of seeds spliced in were planted by throwaway Canaries: only this seed's are looked for.
    return Case("dockerfile", name, ["lint", "--kind", "dockerfile", "{dir}/Dockerfile"],
                files={"Dockerfile": data}, canaries=canaries, needles=canaries.surviving(data))


def make_other(rng):
    data, _ = rng.choice(HOSTILE[:3] + HOSTILE[4:])(rng.fork(3), Canaries(rng.fork(4)), True)
    return data[:200_000]
