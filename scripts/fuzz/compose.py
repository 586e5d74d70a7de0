"""Hostile and mutated Compose files, judged with `lint` (a project directory: compose.yaml, .env, overrides)."""
from case import Canaries, Case
from prng import mutate, size


def _seed(rng, canaries):
    return "\n".join([
        "x-common: &common",
        "  restart: always",
        "  labels:",
        "    api.token: " + canaries.github_token(),
        "services:",
        "  web:",
        "    <<: *common",
        "    image: nginx:${NGINX_TAG:-1.25}",
        "    privileged: true",
        "    ports: ['0.0.0.0:80:80']",
        "    environment:",
        "      " + canaries.assignment("DB_PASSWORD", separator=": "),
        "      AWS_ACCESS_KEY_ID: " + canaries.aws_key(),
        "      REGISTRY_URL: " + canaries.url(),
        "    healthcheck:",
        "      test: [\"CMD-SHELL\", \"curl -H '" + canaries.bearer() + "' http://localhost/ || exit 1\"]",
        "    command: sh -c \"curl " + canaries.curl_user() + " https://x.example && run " + canaries.password_flag() + "\"",
        "  worker:",
        "    extends: web",
        "    build:",
        "      context: .",
        "      args:",
        "        - " + canaries.assignment("NPM_TOKEN"),
        "    volumes: [/var/run/docker.sock:/var/run/docker.sock]",
        "    network_mode: host",
        "",
    ]).encode()


def _alias_bytes(rng, canaries, quick):
    """One big anchor used by many services: few nodes, many bytes once expanded."""
    kib = size(rng, quick, [16, 256, 2048])
    uses = size(rng, quick, [100, 1_000, 5_000])
    lines = [b"x-big: &big \"" + b"A" * (kib * 1024) + b"\"", b"services:"]
    for i in range(uses):
        lines.append(b"  s%d: {image: alpine, command: *big, environment: {%s}}" % (i, canaries.assignment("TOKEN", ": ").encode() if i == 0 else b""))
    return b"\n".join(lines) + b"\n", f"alias-bytes-{kib}KiB-x{uses}"


def _alias_laughs(rng, canaries, quick):
    levels = size(rng, quick, [5, 9, 12])
    lines = [b"a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
    for i in range(1, levels):
        lines.append(b"a%d: &a%d [%s]" % (i, i, b", ".join([b"*a%d" % (i - 1)] * 9)))
    lines.append(b"services: {s: {image: alpine, command: *a%d}}" % (levels - 1))
    return b"\n".join(lines) + b"\n", f"alias-laughs-{levels}"


def _interpolation(rng, canaries, quick):
    count = size(rng, quick, [1_000, 20_000, 200_000])
    shape = rng.choice([b"${", b"${A:-", b"${A:-${B:-", b"$${", b"${A?"])
    body = (b"services:\n  s:\n    image: \"alpine:" + shape * count + b"\"\n    environment:\n      "
            + canaries.assignment("SECRET_KEY", ": ").encode() + b"\n")
    return body, f"interpolation-{count}"


def _deep_nesting(rng, canaries, quick):
    depth = size(rng, quick, [500, 5_000, 50_000])
    if rng.chance(1, 2):
        body = b"services:\n  s:\n    image: alpine\n    labels: " + b"[" * depth + b"]" * depth + b"\n"
    else:
        body = b"services:\n  s:\n    image: alpine\n    x: " + b"{a: " * depth + b"1" + b"}" * depth + b"\n"
    return body + b"    environment: [" + canaries.assignment("API_TOKEN").encode() + b"]\n", f"deep-nesting-{depth}"


def _extends(rng, canaries, quick):
    count = size(rng, quick, [10, 300, 2_000])
    shape = rng.choice(["self", "cycle", "chain", "file-self"])
    lines = [b"services:"]
    for i in range(count):
        target = {"self": i, "cycle": (i + 1) % count, "chain": max(i - 1, 0), "file-self": i}[shape]
        if shape == "file-self":
            lines.append(b"  s%d: {image: alpine, extends: {file: compose.yaml, service: s%d}}" % (i, target))
        else:
            lines.append(b"  s%d: {image: alpine, extends: s%d, environment: [%s]}" % (i, target, canaries.assignment("DB_PASS").encode()))
    return b"\n".join(lines) + b"\n", f"extends-{shape}-{count}"


def _ignore_comments(rng, canaries, quick):
    count = size(rng, quick, [1_000, 20_000, 100_000])
    lines = [b"services:", b"  s:", b"    image: alpine", b"    environment:"]
    for i in range(count):
        lines.append(b"      # docker-baseline ignore=compose.privileged reason %d" % i)
    lines.append(b"      " + canaries.assignment("PASSWORD", ": ").encode())
    lines.append(b"    privileged: true")
    return b"\n".join(lines) + b"\n", f"ignore-comments-{count}"


def _control_characters(rng, canaries, quick):
    return (b"services:\n  \"s\\e[2J\\e[H\":\n    image: \"alpine\\e]0;x\\a\\u009b2J\"\n    user: \"\\0\"\n"
            b"    labels:\n      \"k\\x1b[31m\": \"" + canaries.github_token().encode() + b"\"\n    privileged: true\n"
            b"    \x1b[2J: 1\n"), "control-characters"


HOSTILE = [_alias_bytes, _alias_laughs, _interpolation, _deep_nesting, _extends, _ignore_comments, _control_characters]


def generate(rng, quick):
    canaries = Canaries(rng)
    files = {}
    if rng.chance(1, 2):
        data, variant = rng.choice(HOSTILE)(rng, canaries, quick)
        name = "compose/" + variant
        if rng.chance(1, 4):
            data, name = mutate(rng, data), name + "+mutated"
    else:
        data = mutate(rng, _seed(rng, canaries), [_seed(rng.fork(1), Canaries(rng.fork(2)))])
        name = "compose/mutated-seed"
    files["compose.yaml"] = data
    if rng.chance(1, 3):
        files[".env"] = ("NGINX_TAG=1.25\n" + canaries.assignment("DB_PASSWORD") + "\nX=${X}${\n").encode()
    if rng.chance(1, 3):
        files["docker-compose.override.yml"] = mutate(rng, ("services:\n  web:\n    environment:\n      - "
                                                            + canaries.assignment("SECRET_KEY") + "\n").encode())
    blob = b"\n".join(files.values())
    # The directory, so .env and the override file are read as Compose reads them.
    return Case("compose", name, ["lint", "{dir}"], files=files, canaries=canaries, needles=canaries.surviving(blob))
