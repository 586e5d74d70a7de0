"""Saved snapshots with missing, null and odd-typed fields, deep nesting, many containers and planted secrets in
environment, labels, health checks and image history; judged with `audit --snapshot`."""
import copy
import json

from case import Canaries, Case
from prng import mutate, size


def _container(rng, canaries, index):
    return {"inspect": {
        "Id": "%064x" % (index + 1), "Name": "/svc-%d" % index, "Image": "sha256:" + "ab" * 32, "Path": "sh", "Args": [],
        "Created": "2026-01-01T00:00:00Z", "AppArmorProfile": "", "MountLabel": "", "ProcessLabel": "",
        "Config": {"Image": "app:1", "User": rng.choice(["", "root", "1000"]), "Cmd": ["sh", "-c", "curl " + canaries.curl_user() + " https://x"],
                   "Env": ["PATH=/usr/bin", canaries.assignment("DB_PASSWORD"), "AWS_ACCESS_KEY_ID=" + canaries.aws_key(),
                           "REPO=" + canaries.url()],
                   "Labels": {"api.token": canaries.github_token(), "note": "\x1b[2J\x1b[H"},
                   "Healthcheck": {"Test": ["CMD-SHELL", "curl -H '" + canaries.bearer() + "' http://localhost/"]}},
        "HostConfig": {"Privileged": rng.chance(1, 2), "ReadonlyRootfs": False, "NetworkMode": "default", "PidMode": "",
                       "IpcMode": "private", "UTSMode": "", "UsernsMode": "", "CgroupnsMode": "host", "CgroupParent": "",
                       "Memory": 0, "NanoCpus": 0, "CpuShares": 0, "CpuQuota": 0, "CpusetCpus": "", "Devices": [],
                       "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}, "PublishAllPorts": False,
                       "RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}, "Ulimits": [],
                       "LogConfig": {"Type": "json-file", "Config": {}}, "MaskedPaths": [], "ReadonlyPaths": [],
                       "Binds": ["/:/host:rw"], "CapAdd": ["SYS_ADMIN"], "SecurityOpt": ["seccomp=unconfined"]},
        "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": True}],
        "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "n1"}}, "Ports": {}},
        "State": {"Status": rng.choice(["running", "exited", "paused", "created"]), "Running": True, "Paused": False,
                  "Restarting": False, "Dead": False, "Pid": 0}},
        "processes": {"Titles": ["PID", "CMD"], "Processes": [["1", "sshd " + canaries.password_flag()]]}}


def _image(rng, canaries):
    return {"inspect": {"Id": "sha256:" + "ab" * 32, "RepoTags": ["app:1", "app:\x1b[2J"], "RepoDigests": [], "Os": "linux",
                        "Architecture": "amd64", "Created": "2026-01-01T00:00:00Z", "Size": 1000,
                        "Config": {"User": "", "Env": [canaries.assignment("API_TOKEN")], "Labels": {"k": canaries.url()},
                                   "Healthcheck": {"Test": ["CMD-SHELL", "wget --header='" + canaries.bearer() + "' localhost"]}}},
            "history": [{"Id": "sha256:" + "cd" * 32, "Created": 1, "CreatedBy": "/bin/sh -c curl " + canaries.curl_user() + " https://x | sh",
                         "Comment": "", "Size": 10},
                        {"Id": "<missing>", "Created": 1, "CreatedBy": "/bin/sh -c #(nop)  ENV " + canaries.assignment("SECRET_KEY"),
                         "Comment": "", "Size": 0}]}


def _snapshot(rng, canaries, containers):
    return {"format": 1, "tool": {"name": "docker-baseline", "version": "0.1.0"}, "collectedAt": "2026-01-01T00:00:00Z",
            "endpoint": "unix:///var/run/docker.sock", "environment": {}, "problems": [],
            "engine": {"Version": "20.10.24", "ApiVersion": "1.41", "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64",
                       "KernelVersion": "6.1.0", "Components": [{"Name": "Engine", "Version": "20.10.24"}]},
            "info": {"ID": "X", "Name": "host", "Driver": "overlay2", "LoggingDriver": "json-file", "CgroupDriver": "cgroupfs",
                     "CgroupVersion": "2", "Debug": True, "DockerRootDir": "/var/lib/docker", "ExperimentalBuild": False,
                     "LiveRestoreEnabled": False, "OperatingSystem": "Debian", "ServerVersion": "20.10.24",
                     "SecurityOptions": ["name=seccomp,profile=default"], "Swarm": {"LocalNodeState": "inactive"},
                     "RegistryConfig": {"IndexConfigs": {}, "InsecureRegistryCIDRs": []}},
            "containers": [_container(rng, canaries, i) for i in range(containers)],
            "images": [_image(rng, canaries)], "networks": [],
            "host": {"root": "/", "kernelRelease": "6.1.0", "appArmorEnabled": False, "seLinuxEnabled": False,
                     "seccompAvailable": True, "mountPoints": ["/"], "listeners": [], "logForwarders": [],
                     "dockerGroupMembers": ["alice"], "virtualization": "none",
                     "procVersion": "Linux version 6.1.0 (x@y) #1 SMP", "osRelease": {"ID": "debian", "VERSION_ID": "12"},
                     "binaries": {"dockerd": "/usr/sbin/dockerd", "runc": "/usr/bin/runc"},
                     "auditRules": {"problems": [], "source": "auditctl -l", "watchedPaths": []},
                     "files": [{"exists": True, "gid": 0, "group": "root", "mode": 438, "owner": "root",
                                "path": "/etc/docker/daemon.json", "role": "daemon.json", "type": "file", "uid": 0}],
                     "daemon": {"configFile": "/etc/docker/daemon.json", "running": True, "pid": 1, "problems": [],
                                "sources": ["/etc/docker/daemon.json"],
                                "settings": [{"key": "tlscacert", "values": [canaries.url()], "source": "/etc/docker/daemon.json:2"},
                                             {"key": "authorization-plugins", "values": [canaries.github_token()],
                                              "source": "dockerd --authorization-plugin"}]}}}


def _odd_values(rng):
    return [None, "", "\x00", -1, 2 ** 63, -2 ** 63, 1e308, True, [], {}, [[[]]], "x" * 10_000, {"a": None}, "\x1b[2J"]


def _damage(rng, value, depth=0):
    """Removes, nulls or retypes fields at random, all the way down."""
    if isinstance(value, dict):
        for key in list(value):
            roll = rng.below(20)
            if roll == 0:
                del value[key]
            elif roll == 1:
                value[key] = rng.choice(_odd_values(rng))
            else:
                _damage(rng, value[key], depth + 1)
    elif isinstance(value, list):
        for index in range(len(value)):
            if rng.chance(1, 20):
                value[index] = rng.choice(_odd_values(rng))
            else:
                _damage(rng, value[index], depth + 1)


def generate(rng, quick):
    canaries = Canaries(rng)
    base = _snapshot(rng, canaries, rng.between(1, 3))
    which = rng.below(6)
    if which == 0:
        snapshot, name = copy.deepcopy(base), "snapshot/damaged-fields"
        _damage(rng, snapshot)
        data = json.dumps(snapshot).encode()
    elif which == 1:
        snapshot = copy.deepcopy(base)
        for record in snapshot["containers"]:
            record["inspect"]["HostConfig"] = rng.choice([{}, None, [], "x"])
        data, name = json.dumps(snapshot).encode(), "snapshot/hostconfig-emptied"
    elif which == 2:
        count = size(rng, quick, [50, 300, 20_000])
        snapshot = copy.deepcopy(base)
        snapshot["containers"] = [{"inspect": {"Id": "%064x" % i, "Name": "/c%d" % i, "Config": {"Env": []}, "HostConfig": {},
                                               "State": {"Status": "created"}}} for i in range(count)] + snapshot["containers"]
        data, name = json.dumps(snapshot).encode(), f"snapshot/many-containers-{count}"
    elif which == 3:
        depth = size(rng, quick, [1_000, 10_000, 100_000])
        text = json.dumps(base)
        data = (text[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}").encode()
        name = f"snapshot/deep-nesting-{depth}"
    elif which == 4:
        data, name = mutate(rng, json.dumps(base).encode(), [json.dumps(_snapshot(rng.fork(1), Canaries(rng.fork(2)), 1)).encode()]), "snapshot/mutated"
    else:
        data, name = json.dumps(base).encode(), "snapshot/plain"
    return Case("snapshot", name, ["audit", "--snapshot", "{dir}/snapshot.json"], files={"snapshot.json": data},
                canaries=canaries, needles=canaries.surviving(data))
