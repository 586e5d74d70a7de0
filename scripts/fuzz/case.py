"""What one generated input is (`Case`) and the canary secrets planted in it (`Canaries`).

A case is materialised in a directory of its own: `files` (relative path → bytes), `symlinks`, `fifos`; `argv` is
the command after the binary, with `{dir}` for that directory and `{port}` for the probe server's port.
"""
import os

from prng import ALNUM, UPPER_ALNUM

# A needle this long found anywhere in an output is a leak, even when the rest of the secret was cut off.
LEAK_PREFIX = 12
_BOUNDARY = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-")


class Canaries:
    """Unique secret values planted in an input. `contextual` needles are secrets only in their context
    (`-u user:VALUE`, `PASSWORD=VALUE`): a mutation that breaks the context makes them ordinary text, so they are
    checked only while the context survives. `absolute` needles (file contents in layers, which are never printed)
    are checked whatever happens to the bytes around them."""

    def __init__(self, rng):
        self.rng = rng
        self.contextual = []  # (needle, context)
        self.absolute = []
        self.labels = {}      # needle → what kind of secret it is, for the failure report

    def _value(self):
        return "Cn" + self.rng.token(22)

    def _add(self, needle, context, absolute):
        self.labels[needle] = context.replace(needle, "<canary>") + (" (file content)" if absolute else "")
        if absolute:
            self.absolute.append(needle)
        else:
            self.contextual.append((needle, context))

    def aws_key(self, absolute=False):
        tail = self.rng.token(16, UPPER_ALNUM)
        key = "AKIA" + tail
        self._add(tail, key, absolute)
        return key

    def github_token(self, absolute=False):
        token = "ghp_" + self.rng.token(36)
        self._add(token[4:], token, absolute)
        return token

    def url(self, rest="registry.example.com/pkg.tar.gz", absolute=False):
        value = self._value()
        self._add(value, "https://deploy:" + value + "@", absolute)
        return "https://deploy:" + value + "@" + rest

    def curl_user(self, absolute=False):
        value = self._value()
        self._add(value, "-u ci:" + value, absolute)
        return "-u ci:" + value

    def bearer(self, absolute=False):
        value = self._value()
        self._add(value, "Authorization: Bearer " + value, absolute)
        return "Authorization: Bearer " + value

    def password_flag(self, absolute=False):
        value = self._value()
        self._add(value, "--password=" + value, absolute)
        return "--password=" + value

    def assignment(self, name, separator="=", absolute=False):
        value = self._value()
        self._add(value, name + separator + value, absolute)
        return name + separator + value

    def private_key(self):
        body = self.rng.token(64, ALNUM)
        self.absolute.append(body[:24])
        self.labels[body[:24]] = "private key (file content)"
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n"

    def any_secret(self, absolute=False):
        which = self.rng.below(7)
        return [self.aws_key, self.github_token, self.url, self.curl_user, self.bearer, self.password_flag,
                lambda absolute: self.assignment("DB_PASSWORD", absolute=absolute)][which](absolute=absolute)

    def surviving(self, data):
        """The needles still worth looking for after `data` (all the case's bytes that hold contextual secrets)
        was mutated: every start of the needle in `data` lies in an intact context with word boundaries."""
        needles = list(self.absolute)
        for needle, context in self.contextual:
            n, c = needle[:LEAK_PREFIX].encode(), context.encode()
            starts = _occurrences(data, n)
            if not starts:
                continue
            offset = c.index(n)
            intact = 0
            for start in _occurrences(data, c):
                before = data[start - 1] if start > 0 else 32
                end = start + len(c)
                after = data[end] if end < len(data) else 32
                if before not in _BOUNDARY and (after not in _BOUNDARY or not c[-1:].isalnum()):
                    intact += 1 if (start + offset) in starts else 0
            if intact == len(starts):
                needles.append(needle)
        return sorted(set(needles))


def _occurrences(data, needle):
    found, start = set(), data.find(needle)
    while start != -1:
        found.add(start)
        start = data.find(needle, start + 1)
    return found


class Case:
    def __init__(self, kind, name, argv, files=None, symlinks=None, fifos=None, needles=(), server=None, canaries=None):
        self.kind = kind            # dockerfile, compose, archive, oci, snapshot, probe
        self.name = name            # the generator and variant, e.g. dockerfile/onbuild-nesting
        self.argv = argv
        self.files = files or {}
        self.symlinks = symlinks or {}
        self.fifos = fifos or []
        self.needles = list(needles)
        self.server = server        # a probes.Server description, for scan-api
        self.labels = canaries.labels if canaries else {}

    def materialise(self, directory):
        os.makedirs(directory, exist_ok=True)
        for path, data in self.files.items():
            full = os.path.join(directory, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                # Target files of scan-api name other files of the case by their full path.
                f.write(data.replace(b"{dir}", directory.encode()) if self.kind == "probe" else data)
        for path, target in self.symlinks.items():
            full = os.path.join(directory, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.symlink(target, full)
        for path in self.fifos:
            full = os.path.join(directory, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.mkfifo(full)

    def describe(self):
        return {"kind": self.kind, "name": self.name, "argv": self.argv, "needles": {needle: self.labels.get(needle, "") for needle in self.needles},
                "files": {path: len(data) for path, data in self.files.items()}, "symlinks": self.symlinks,
                "fifos": self.fifos, "server": self.server.describe() if self.server else None}
