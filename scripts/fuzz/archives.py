"""Hostile and mutated image archives, judged with `image`: `docker save` tars, OCI layouts (directories and tars),
hand-written tar headers (sizes in octal, base-256 and negative, PAX records with huge lengths, GNU long names,
sparse maps), links that escape, whiteouts, many layers, duplicate manifests, gzip that is truncated, concatenated
or a bomb, trailing garbage, and files that are not regular (FIFOs, devices)."""
import gzip
import hashlib
import json
import zlib

from case import Canaries, Case
from prng import mutate, size

BLOCK = 512


# --- Tar writing, header by header --------------------------------------------------------------------------

def _octal(value, width):
    text = ("%0*o" % (width - 1, value)).encode()
    return text[-(width - 1):] + b"\0"


def header(name, size=0, kind=b"0", link=b"", mode=0o644, size_field=None, checksum_ok=True, magic=b"ustar\x0000"):
    name = name if isinstance(name, bytes) else name.encode()
    link = link if isinstance(link, bytes) else link.encode()
    block = bytearray(BLOCK)
    prefix = b""
    if len(name) > 100 and b"/" in name[-100:]:
        cut = len(name) - 100 + name[-100:].index(b"/")
        prefix, name = name[:cut][-155:], name[cut + 1:]
    block[0:100] = name[:100].ljust(100, b"\0")
    block[100:108] = _octal(mode, 8)
    block[108:116] = _octal(0, 8)
    block[116:124] = _octal(0, 8)
    block[124:136] = size_field if size_field is not None else _octal(size, 12)
    block[136:148] = _octal(1_700_000_000, 12)
    block[156:157] = kind
    block[157:257] = link[:100].ljust(100, b"\0")
    block[257:265] = magic
    block[265:269] = b"root"
    block[297:301] = b"root"
    block[345:500] = prefix.ljust(155, b"\0")
    block[148:156] = b" " * 8
    total = sum(block) + (0 if checksum_ok else 1)
    block[148:156] = ("%06o\0 " % total).encode()
    return bytes(block)


def pad(data):
    return data + b"\0" * (-len(data) % BLOCK)


def entry(name, data=b"", kind=b"0", link=b"", mode=0o644):
    return header(name, len(data), kind, link, mode) + pad(data)


def pax(records, kind=b"x", declared=None):
    """A PAX header; `records` are (key, value) pairs or raw bytes (hostile lengths)."""
    body = b""
    for record in records:
        if isinstance(record, bytes):
            body += record
            continue
        key, value = record
        line = b" " + key.encode() + b"=" + (value if isinstance(value, bytes) else value.encode()) + b"\n"
        length = len(line) + 1
        while len(str(length)) + len(line) != length:
            length = len(str(length)) + len(line)
        body += str(length).encode() + line
    return header("././@PaxHeader", declared if declared is not None else len(body), kind) + pad(body)


def end():
    return b"\0" * (2 * BLOCK)


def tar(entries):
    return b"".join(entries) + end()


def sha(data):
    return hashlib.sha256(data).hexdigest()


# --- Layers ---------------------------------------------------------------------------------------------------

def secret_layer(rng, canaries):
    """Files the content rules look at, each holding a planted secret that must never be printed."""
    entries = [entry("etc/", kind=b"5", mode=0o755), entry("root/", kind=b"5", mode=0o700),
               entry("root/.aws/credentials", ("[default]\naws_access_key_id = " + canaries.aws_key(True) + "\n").encode()),
               entry("root/.ssh/id_ed25519", canaries.private_key().encode(), mode=0o600),
               entry("app/.env", (canaries.assignment("API_TOKEN", absolute=True) + "\n").encode()),
               entry("root/.docker/config.json", json.dumps({"auths": {"r.example.com": {"auth": canaries.github_token(True)}}}).encode()),
               entry("root/.git-credentials", (canaries.url(absolute=True) + "\n").encode()),
               entry("usr/bin/su", b"\x7fELF", mode=0o4755),
               entry("etc/shadow", b"root::19000:0:99999:7:::\n", mode=0o640)]
    rng.choice([lambda: None, lambda: entries.append(entry("tmp/", kind=b"5", mode=0o777))])()
    return tar(entries)


def plain_layer(rng, index):
    return tar([entry("data/f%d-%d.txt" % (index, i), b"x" * rng.below(300)) for i in range(rng.between(1, 4))])


def hostile_layer(rng, canaries, quick):
    """One tar with one hostile header; returns (bytes, variant)."""
    which = rng.below(15)
    if which == 0:  # a PAX record length near Int64.max (the arithmetic-overflow trap)
        length = rng.choice([b"9223372036854775800", b"9223372036854775807", b"18446744073709551615", b"99999999999999999999999"])
        data = pax([length + b" path=x\n"]) + entry("x", b"hi")
        return tar([data]), "pax-huge-length"
    if which == 1:  # PAX size= record that overflows or is negative
        value = rng.choice(["9223372036854775807", "-1", "18446744073709551616", "1e9", ""])
        return tar([pax([("size", value)]) + entry("big", b"data")]), "pax-size-" + (value or "empty")
    if which == 2:  # base-256 size fields: huge, negative, Int64.min
        field = rng.choice([b"\x80" + (2 ** 63 - 1).to_bytes(11, "big"), b"\xff" * 12, b"\x80" + b"\xff" * 11,
                            b"\xff" + b"\x00" * 11, b"\x80" + (2 ** 40).to_bytes(11, "big")])
        return tar([header("f", size_field=field) + pad(b"abc")]), "base256-size"
    if which == 3:  # octal size field garbage
        field = rng.choice([b"-0000000001\0", b"77777777777\0", b"zzzzzzzzzzz\0", b"           \0", b"\0" * 12])
        return tar([header("f", size_field=field) + pad(b"abc")]), "odd-size-field"
    if which == 4:  # GNU long name / long link with a big or lying size
        length = size(rng, quick, [200, 70_000, 1_000_000])
        name = (b"d/" * (length // 2))[:length]
        declared = rng.choice([None, 2 ** 33, 0])
        body = pad(name + b"\0")
        long = header("././@LongLink", declared if declared is not None else len(name) + 1, b"L") + body
        return tar([long + entry("short", b"x"), header("l", kind=b"K", size=len(name) + 1) + body + entry("ln", kind=b"2", link="t")]), f"gnu-long-name-{length}"
    if which == 5:  # PAX path records, long and many
        count = size(rng, quick, [10, 1_000, 20_000])
        return tar([pax([("path", "p/" * 200 + "n"), ("linkpath", "../" * 300)] * count) + entry("x", b"1")]), f"pax-many-records-{count}"
    if which == 6:  # links that escape, point at missing targets or at themselves
        return tar([entry("etc/passwd", kind=b"2", link="../../../../../etc/passwd"),
                    entry("abs", kind=b"2", link="/etc/shadow"),
                    entry("hard", kind=b"1", link="does/not/exist"),
                    entry("hard2", kind=b"1", link="../../outside"),
                    entry("loop", kind=b"2", link="loop"),
                    entry("a/b", kind=b"2", link="../a/b"),
                    entry("root/.aws", kind=b"2", link="/root/x"),
                    entry("x/credentials", ("aws_secret_access_key = " + canaries.aws_key(True)).encode())]), "links"
    if which == 7:  # names with .. and absolute names
        return tar([entry("../../etc/cron.d/x", b"* * * * * root sh\n"), entry("/abs/file", b"x"),
                    entry("a/../../b", b"y"), entry("./././c", b"z"), entry("", b"empty name")]), "dotdot-names"
    if which == 8:  # sparse headers with hostile maps
        block = bytearray(header("sparse", 512, b"S"))
        block[386:398] = _octal(2 ** 33, 12)
        block[398:410] = b"\xff" * 12
        block[482] = 1
        block[483:495] = b"\x80" + (2 ** 62).to_bytes(11, "big")
        block[148:156] = b" " * 8
        block[148:156] = ("%06o\0 " % sum(block)).encode()
        return tar([bytes(block) + pad(b"s" * 512)]), "gnu-sparse"
    if which == 9:  # bad checksum, no magic, v7 header
        return tar([header("a", 3, checksum_ok=False) + pad(b"abc"), header("b", 3, magic=b"\0" * 8) + pad(b"abc")]), "bad-header"
    if which == 10:  # truncated in the middle of a file
        data = tar([entry("f", b"q" * 5000)])
        return data[: rng.between(1, len(data) - 1)], "truncated"
    if which == 11:  # not a tar at all, or zstd
        return rng.choice([rng.bytes(rng.between(1, 3000)), b"\x28\xb5\x2f\xfd" + rng.bytes(100), b""]), "not-a-tar"
    if which == 12:  # secrets in file names (paths are printed)
        token = canaries.github_token()
        return tar([entry("home/" + token + "/.aws/credentials", b"[default]\n"), entry("home/" + token + "/.env", b"A=1\n")]), "secret-in-path"
    if which == 13:  # control characters in names
        return tar([entry("etc/\x1b[2J\x1b[Hx", b"1"), entry("root/.ssh/id_rsa\x1b[31m", b"-----BEGIN RSA PRIVATE KEY-----\n"),
                    entry("usr/bin/\x07bell", b"", mode=0o4755)]), "control-characters"
    return tar([entry("f", b"x")]) + rng.bytes(rng.between(1, 5000)), "trailing-garbage"


_BOMBS = {}


def gzip_bomb(mib):
    """A layer that inflates to `mib` MiB of zeros in one file (kept once per process: compressing costs seconds)."""
    if mib not in _BOMBS:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        chunk = b"\0" * (1 << 20)
        parts = [compressor.compress(header("zeros", mib << 20))]
        for _ in range(mib):
            parts.append(compressor.compress(chunk))
        parts.append(compressor.compress(end()))
        parts.append(compressor.flush())
        _BOMBS[mib] = b"".join(parts)
    return _BOMBS[mib]


def compress(rng, layer, quick):
    """The layer as stored: plain, gzip, or hostile gzip. Returns (bytes, note)."""
    which = rng.below(8)
    if which < 3:
        return layer, ""
    packed = gzip.compress(layer, mtime=0)
    if which < 5:
        return packed, "gzip"
    if which == 5:
        return packed[: rng.between(10, max(11, len(packed) - 1))], "gzip-truncated"
    if which == 6:
        return packed + gzip.compress(layer, mtime=0) + rng.choice([b"", rng.bytes(100)]), "gzip-concatenated"
    return gzip_bomb(size(rng, quick, [64, 256, 1024]) if not quick else 64), "gzip-bomb"


# --- Images ---------------------------------------------------------------------------------------------------

def config(rng, canaries, layers):
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
               {"created_by": "/bin/sh -c curl " + canaries.curl_user() + " https://x.example/a.sh | sh"},
               {"created_by": "/bin/sh -c #(nop)  ENV " + canaries.assignment("DB_PASSWORD")},
               {"created_by": "RUN /bin/sh -c echo " + canaries.aws_key() + " > /tmp/k && rm /tmp/k # buildkit"},
               {"created_by": "/bin/sh -c git clone " + canaries.url() + " /src"},
               {"created_by": "/bin/sh -c #(nop)  LABEL x=\x1b[2J\x1b[H"}]
    body = {"architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/usr/bin", canaries.assignment("API_TOKEN"), "GH=" + canaries.github_token()],
                       "User": rng.choice(["", "root", "0", "app", "\x00"]),
                       "Labels": {"deploy.url": canaries.url()},
                       "Healthcheck": {"Test": ["CMD-SHELL", "curl -H '" + canaries.bearer() + "' http://localhost/"]}},
            "history": [history[i % len(history)] for i in range(max(len(layers), len(history)))],
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(layer) for layer in layers]}}
    return json.dumps(body).encode()


def docker_save(rng, canaries, stored_layers, plain_layers, tags=("app:1",), copies=1):
    files = []
    names = []
    for index, layer in enumerate(stored_layers):
        name = "%s/layer.tar" % sha(layer + bytes([index % 256]))
        names.append(name)
        files.append(entry(name.split("/")[0] + "/", kind=b"5", mode=0o755))
        files.append(entry(name, layer))
    cfg = config(rng, canaries, plain_layers)
    cfg_name = sha(cfg) + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": list(tags), "Layers": names}] * copies
    files.append(entry(cfg_name, cfg))
    files.append(entry("manifest.json", json.dumps(manifest).encode()))
    return tar(files), cfg


def oci_layout(rng, canaries, stored_layers, plain_layers, notes, copies=1):
    """{relative path: bytes} of an OCI image layout."""
    blobs = {}

    def put(data):
        digest = sha(data)
        blobs["blobs/sha256/" + digest] = data
        return "sha256:" + digest, len(data)

    cfg = config(rng, canaries, plain_layers)
    cfg_digest, cfg_size = put(cfg)
    layers = []
    for layer, note in zip(stored_layers, notes):
        digest, length = put(layer)
        media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if note.startswith("gzip") else "")
        layers.append({"mediaType": media, "digest": digest, "size": length})
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_size},
                           "layers": layers}).encode()
    digest, length = put(manifest)
    item = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": length,
            "annotations": {"org.opencontainers.image.ref.name": "app:\x1b[2J1"}}
    blobs["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [item] * copies}).encode()
    blobs["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
    return blobs, cfg


def _layers(rng, canaries, quick):
    """The image's plain layers, the stored (maybe compressed) ones and what was done to each."""
    count = rng.between(1, 4)
    plain = [secret_layer(rng, canaries)] + [plain_layer(rng, i) for i in range(count)]
    variant = []
    if rng.chance(1, 2):
        layer, note = hostile_layer(rng, canaries, quick)
        plain.insert(rng.below(len(plain) + 1), layer)
        variant.append(note)
    if rng.chance(1, 6):  # many layers with whiteouts and opaque directories
        many = size(rng, quick, [50, 300, 1_000])
        for i in range(many):
            plain.append(tar([entry("w/f%d" % i, b"x"), entry("w/.wh.f%d" % (i - 1), b""), entry("o%d/.wh..wh..opq" % (i % 7), b""),
                              entry("root/.aws/.wh.credentials", b"")]))
        variant.append(f"whiteouts-{many}")
    stored, notes = [], []
    hostile_at = rng.below(len(plain)) if rng.chance(1, 2) else -1  # at most one hostile compression per image
    for index, layer in enumerate(plain):
        packed, note = compress(rng, layer, quick) if index == hostile_at else (layer, "")
        if index != hostile_at and rng.chance(1, 3):
            packed, note = gzip.compress(layer, mtime=0), "gzip"
        stored.append(packed)
        notes.append(note)
        if note and note != "gzip":
            variant.append(note)
    return plain, stored, notes, variant


def _special_file_case(rng, canaries):
    """`image` on something that is not a regular file, or an OCI layout whose blob is not one."""
    which = rng.below(4)
    if which == 0:
        return Case("archive", "archive/fifo", ["image", "{dir}/image.tar"], fifos=["image.tar"])
    if which == 1:
        return Case("archive", "archive/char-device", ["image", "{dir}/image.tar"], symlinks={"image.tar": "/dev/zero"})
    plain, stored, notes, _ = _layers(rng, canaries, True)
    files, _ = oci_layout(rng, canaries, stored, plain, notes)
    blob = next(path for path in files if path.startswith("blobs/") and files[path] == stored[0])
    del files[blob]
    case = Case("oci", "oci/blob-" + ("fifo" if which == 2 else "device"), ["image", "{dir}/layout"],
                files={"layout/" + path: data for path, data in files.items()})
    if which == 2:
        case.fifos.append("layout/" + blob)
    else:
        case.symlinks["layout/" + blob] = rng.choice(["/dev/zero", "/dev/urandom"])
    return case


def generate(rng, quick, oci):
    canaries = Canaries(rng)
    if rng.chance(1, 12):
        case = _special_file_case(rng, canaries)
        case.needles, case.labels = canaries.surviving(b""), canaries.labels
        return case
    plain, stored, notes, variant = _layers(rng, canaries, quick)
    copies = 1
    if rng.chance(1, 10):
        copies = size(rng, quick, [20, 200, 1_000, 40_000])
        variant.append(f"duplicate-manifests-{copies}")
    mutated = rng.chance(1, 3)
    if mutated:
        variant.append("mutated")
    if not oci:
        data, cfg = docker_save(rng, canaries, stored, plain, tags=(rng.choice(["app:1", "app:\x1b[2J", "a" * 300 + ":1"]),), copies=copies)
        if rng.chance(1, 8):
            data += rng.choice([rng.bytes(rng.between(1, 4096)), data])
            variant.append("outer-trailing")
        if mutated:
            data = mutate(rng, data, [docker_save(rng.fork(1), Canaries(rng.fork(2)), stored[:1], plain[:1])[0]])
        name = "archive/" + ("+".join(variant) or "docker-save")
        return Case("archive", name, ["image", "{dir}/image.tar"], files={"image.tar": data},
                    canaries=canaries, needles=canaries.surviving(data))
    files, cfg = oci_layout(rng, canaries, stored, plain, notes, copies=copies)
    if mutated:
        path = rng.choice(sorted(files))
        files[path] = mutate(rng, files[path])
    blob = b"\n".join(files.values())
    if rng.chance(1, 3):  # an OCI layout packed in a tar
        data = tar([entry(path, content) for path, content in sorted(files.items())])
        return Case("oci", "oci-tar/" + ("+".join(variant) or "layout"), ["image", "{dir}/image.tar"],
                    files={"image.tar": data}, canaries=canaries, needles=canaries.surviving(blob))
    return Case("oci", "oci/" + ("+".join(variant) or "layout"), ["image", "{dir}/layout"],
                files={"layout/" + path: content for path, content in files.items()}, canaries=canaries, needles=canaries.surviving(blob))
