"""Loopback probe servers for `scan-api`: garbage, endless bodies, huge headers, slow drips, silent accepts, Docker
look-alikes whose answers hold planted secrets and escape sequences (mutated), and target files that name
themselves or each other. Every server listens on 127.0.0.1 only, on a port of its own."""
import json
import socket
import threading
import time

from case import Canaries, Case
from prng import mutate, size

BEHAVIOURS = ["garbage", "endless-body", "huge-headers", "slow-drip", "silent", "close", "docker-mutated",
              "docker", "tls-garbage", "endless-headers"]


def docker_answer(rng, canaries):
    body = json.dumps({"Version": "20.10.0 " + canaries.url(), "ApiVersion": "1.41", "Os": "linux\x1b[2J\x1b[H",
                       "KernelVersion": canaries.github_token(), "Arch": "amd64",
                       "Components": [{"Name": "Engine\x1b]0;t\x07", "Version": canaries.aws_key()}]}).encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nServer: Docker/20.10 "
            + canaries.bearer().encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


class Server:
    """Answers every connection the same way, until stopped. `payload` is what is sent (for the byte-based
    behaviours); `budget` bounds what an endless behaviour sends, so the server itself always ends."""

    def __init__(self, behaviour, payload=b"", budget=64 << 20):
        self.behaviour, self.payload, self.budget = behaviour, payload, budget
        self.listener = None
        self.threads = []
        self.stopping = threading.Event()

    def describe(self):
        return {"behaviour": self.behaviour, "payload_bytes": len(self.payload)}

    def start(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self.threads.append(thread)
        return self.listener.getsockname()[1]

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)
        self.listener.close()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _send(self, connection, data):
        try:
            connection.sendall(data)
            return True
        except OSError:
            return False

    def _serve(self, connection):
        connection.settimeout(0.5)
        try:
            if self.behaviour != "silent":
                try:
                    connection.recv(65536)
                except OSError:
                    pass
            sent = 0
            if self.behaviour in ("garbage", "docker", "docker-mutated", "tls-garbage", "huge-headers", "close"):
                self._send(connection, self.payload)
            elif self.behaviour in ("endless-body", "endless-headers"):
                head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Version\": \"" if self.behaviour == "endless-body"
                        else b"HTTP/1.1 200 OK\r\n")
                self._send(connection, head)
                chunk = self.payload or b"A" * 65536
                while not self.stopping.is_set() and sent < self.budget and self._send(connection, chunk):
                    sent += len(chunk)
            elif self.behaviour == "slow-drip":
                for byte in self.payload:
                    if self.stopping.is_set() or not self._send(connection, bytes([byte])):
                        break
                    time.sleep(0.2)
            elif self.behaviour == "silent":
                self.stopping.wait(30)
        finally:
            connection.close()


def generate(rng, quick, index):
    canaries = Canaries(rng)
    behaviour = rng.choice(BEHAVIOURS)
    payload = b""
    if behaviour == "garbage":
        payload = rng.bytes(rng.between(1, 4096))
    elif behaviour == "docker":
        payload = docker_answer(rng, canaries)
    elif behaviour == "docker-mutated":
        payload = mutate(rng, docker_answer(rng, canaries), [b"HTTP/1.0 401 Unauthorized\r\n\r\n", b"\x16\x03\x01\x00\x05hello"])
    elif behaviour == "tls-garbage":  # a TLS record header followed by nonsense
        payload = b"\x16\x03\x03" + rng.bytes(2) + rng.bytes(rng.between(1, 2000))
    elif behaviour == "huge-headers":
        lines = size(rng, quick, [1_000, 50_000, 200_000])
        payload = (b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"p" * 60 + b"\r\n" * 1 + (b"X-" + b"h" * 60 + b": v\r\n") * lines
                   + b"X-Token: " + canaries.bearer().encode() + b"\r\n\r\n{}")
    elif behaviour == "slow-drip":
        payload = docker_answer(rng, canaries)[: rng.between(5, 40)]
    elif behaviour == "close":
        payload = b""
    elif behaviour == "endless-headers":
        payload = b"X-Endless: " + b"e" * 1000 + b"\r\n"
    server = Server(behaviour, payload)
    argv = ["scan-api", "127.0.0.1", "--ports", "{port}", "--timeout", "1", "--rate", "1000"]
    files = {}
    variant = behaviour
    if rng.chance(1, 4):  # target files: one that names itself, or two that name each other
        shape = rng.choice(["self", "pair", "garbage"])
        if shape == "self":
            files["targets.txt"] = b"# targets\n127.0.0.1\n{dir}/targets.txt\n"
        elif shape == "pair":
            files["targets.txt"] = b"127.0.0.1\n{dir}/more.txt\n"
            files["more.txt"] = b"{dir}/targets.txt\n"
        else:
            files["targets.txt"] = b"127.0.0.1\n# \x1b[2J\n999.1.1.1\n127.0.0.1/33\n::::\n%zz\n"
        argv = ["scan-api", "{dir}/targets.txt", "--ports", "{port}", "--timeout", "1", "--rate", "1000"]
        variant += "+targets-" + shape
    return Case("probe", "probe/" + variant, argv, files=files, canaries=canaries, needles=canaries.surviving(payload), server=server)
