import Foundation

/// A rule's own example: a change to a compliant base snapshot and the status the rule must give.
/// Patches are JSON merge patches (RFC 7386) written with the Engine API's keys, as `docker inspect` shows them.
public struct RuleExample: Sendable {
    /// Patch for the base container's inspect data.
    public var container: String?
    /// Patch for the base container's process list (`{"Titles": […], "Processes": [[…]]}`), or `null` to drop it.
    public var processes: String?
    /// Patch for the base image's inspect data.
    public var image: String?
    /// Replaces the base image's history (a JSON array, newest first).
    public var history: String?
    /// Patch for the base image's layer contents (`ImageContents`; the base image has none: not scanned).
    public var contents: String?
    /// Patch for the base image's vulnerability scan (`VulnerabilityScan`; the base image has none).
    public var vulnerabilities: String?
    /// Patch for the rest of the snapshot (`info`, `host`, `environment`, …).
    public var snapshot: String?
    /// The organisation's settings the rule is told (default: none given).
    public var settings: RuleSettings
    public var expect: Status
    /// Where it was written, so a failing example points at its line.
    public var file: String
    public var line: Int

    public init(
        container: String? = nil, processes: String? = nil, image: String? = nil, history: String? = nil,
        contents: String? = nil, vulnerabilities: String? = nil, snapshot: String? = nil, settings: RuleSettings = RuleSettings(),
        expect: Status, file: String = #fileID, line: Int = #line
    ) {
        self.settings = settings
        self.contents = contents
        self.vulnerabilities = vulnerabilities
        self.container = container
        self.processes = processes
        self.image = image
        self.history = history
        self.snapshot = snapshot
        self.expect = expect
        self.file = file
        self.line = line
    }

    /// The base snapshot with this example's patches applied.
    public func makeSnapshot() throws -> Snapshot {
        var base = try JSONSerialization.jsonObject(with: Data(RuleExample.baseSnapshotJSON.utf8)) as! [String: Any]
        if let snapshot { base = try merge(base, patch: snapshot) as! [String: Any] }
        var containerRecord = (base["containers"] as! [[String: Any]])[0]
        if let container { containerRecord["inspect"] = try merge(containerRecord["inspect"]!, patch: container) }
        if let processes { containerRecord["processes"] = try merge(containerRecord["processes"] ?? NSNull(), patch: processes) }
        base["containers"] = [containerRecord]
        var imageRecord = (base["images"] as! [[String: Any]])[0]
        if let image { imageRecord["inspect"] = try merge(imageRecord["inspect"]!, patch: image) }
        if let history { imageRecord["history"] = try JSONSerialization.jsonObject(with: Data(history.utf8), options: .fragmentsAllowed) }
        if let contents { imageRecord["contents"] = try merge(imageRecord["contents"] ?? NSNull(), patch: contents) }
        if let vulnerabilities { imageRecord["vulnerabilities"] = try merge(imageRecord["vulnerabilities"] ?? NSNull(), patch: vulnerabilities) }
        base["images"] = [imageRecord]
        let data = try JSONSerialization.data(withJSONObject: base)
        return try JSONDecoder().decode(Snapshot.self, from: data)
    }

    private func merge(_ target: Any, patch: String) throws -> Any {
        mergePatch(target, try JSONSerialization.jsonObject(with: Data(patch.utf8), options: .fragmentsAllowed))
    }

    /// A running, hardened container (publishing no ports) from a hardened image, on a hardened engine and host with
    /// seccomp and user namespaces but no AppArmor or SELinux.
    public static let baseSnapshotJSON = #"""
    {
      "format": 1,
      "tool": {"name": "docker-baseline", "version": "example"},
      "collectedAt": "2026-01-01T00:00:00Z",
      "endpoint": "unix:///var/run/docker.sock",
      "engine": {"Version": "28.5.2", "ApiVersion": "1.51", "KernelVersion": "6.1.0-18-amd64",
                 "Components": [{"Name": "containerd", "Version": "1.7.28"}, {"Name": "runc", "Version": "1.2.8"}]},
      "info": {
        "ID": "example-engine", "Name": "example-host",
        "SecurityOptions": ["name=seccomp,profile=builtin", "name=userns", "name=cgroupns"],
        "Swarm": {"LocalNodeState": "inactive"}, "DockerRootDir": "/var/lib/docker", "Driver": "overlay2",
        "LoggingDriver": "syslog", "LiveRestoreEnabled": true, "Debug": false, "ExperimentalBuild": false,
        "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"]}
      },
      "containers": [{
        "inspect": {
          "Id": "c0ffee0000000000000000000000000000000000000000000000000000000001",
          "Name": "/app",
          "State": {"Status": "running", "Running": true, "Pid": 4242},
          "Image": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
          "Config": {
            "User": "10001:10001", "Image": "example/app:1.0",
            "Healthcheck": {"Test": ["CMD", "/app", "health"]}
          },
          "HostConfig": {
            "Privileged": false, "CapAdd": null, "CapDrop": ["ALL"],
            "SecurityOpt": ["no-new-privileges:true"], "NetworkMode": "appnet",
            "PidMode": "", "IpcMode": "private", "UTSMode": "", "UsernsMode": "", "CgroupParent": "",
            "Memory": 268435456, "CpuShares": 512, "NanoCpus": 0, "CpuQuota": 0, "CpusetCpus": "",
            "PidsLimit": 100, "ReadonlyRootfs": true,
            "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5},
            "PortBindings": {},
            "PublishAllPorts": false, "Devices": [], "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}],
            "LogConfig": {"Type": "syslog", "Config": {"syslog-address": "tcp://logs.example:514"}}
          },
          "Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data",
                      "Destination": "/data", "Mode": "z", "RW": true, "Propagation": ""}],
          "NetworkSettings": {
            "Ports": {},
            "Networks": {"appnet": {"NetworkID": "n1"}}
          },
          "AppArmorProfile": "", "ProcessLabel": ""
        },
        "processes": {"Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
                      "Processes": [["10001", "4242", "4200", "0", "10:00", "?", "00:00:00", "/app serve"]]}
      }],
      "images": [{
        "inspect": {
          "Id": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
          "RepoTags": ["example/app:1.0"],
          "Config": {"User": "10001:10001", "Env": ["PATH=/usr/bin:/bin", "APP_PASSWORD_FILE=/run/secrets/app"],
                     "Healthcheck": {"Test": ["CMD", "/app", "health"]}}
        },
        "history": [
          {"Id": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
           "CreatedBy": "HEALTHCHECK &{[\"CMD\" \"/app\" \"health\"] \"0s\" \"0s\" \"0s\" \"0s\" '\\x00'}", "Comment": "buildkit.dockerfile.v0"},
          {"Id": "<missing>", "CreatedBy": "USER 10001:10001", "Comment": "buildkit.dockerfile.v0"},
          {"Id": "<missing>", "CreatedBy": "RUN /bin/sh -c apt-get update && apt-get install -y ca-certificates # buildkit", "Comment": "buildkit.dockerfile.v0"},
          {"Id": "<missing>", "CreatedBy": "COPY app /app # buildkit", "Comment": "buildkit.dockerfile.v0"},
          {"Id": "<missing>", "CreatedBy": "/bin/sh -c #(nop) ADD file:0123abcd in / "}
        ]
      }],
      "networks": [{"Id": "n1", "Name": "appnet", "Driver": "bridge", "Scope": "local"}],
      "host": {
        "root": "/", "appArmorEnabled": false, "seLinuxEnabled": false, "seccompAvailable": true,
        "kernelRelease": "6.1.0-18-amd64", "virtualization": "kvm",
        "procVersion": "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
        "osRelease": {"ID": "debian", "VERSION_ID": "12", "PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)"},
        "daemon": {
          "running": true, "pid": 100, "configFile": "/etc/docker/daemon.json", "problems": [],
          "sources": ["dockerd command line (pid 100)", "/etc/docker/daemon.json"],
          "settings": [
            {"key": "icc", "values": ["false"], "source": "/etc/docker/daemon.json:2"},
            {"key": "no-new-privileges", "values": ["true"], "source": "/etc/docker/daemon.json:3"},
            {"key": "live-restore", "values": ["true"], "source": "/etc/docker/daemon.json:4"},
            {"key": "userland-proxy", "values": ["false"], "source": "/etc/docker/daemon.json:5"},
            {"key": "userns-remap", "values": ["default"], "source": "/etc/docker/daemon.json:6"},
            {"key": "authorization-plugins", "values": ["opa-docker-authz"], "source": "/etc/docker/daemon.json:7"},
            {"key": "log-opts", "values": ["syslog-address=tcp://logs.example:514"], "source": "/etc/docker/daemon.json:8"}
          ]
        },
        "files": [], "auditRules": {"source": "auditctl -l", "watchedPaths": [], "problems": []},
        "mountPoints": ["/", "/var/lib/docker"], "dockerGroupMembers": [], "binaries": {}, "listeners": []
      },
      "environment": {"dockerContentTrust": "1"},
      "problems": []
    }
    """#
}

/// RFC 7386 JSON merge patch on `JSONSerialization` values.
func mergePatch(_ target: Any, _ patch: Any) -> Any {
    guard let patchObject = patch as? [String: Any] else { return patch }
    var result = (target as? [String: Any]) ?? [:]
    for (key, value) in patchObject {
        if value is NSNull {
            result.removeValue(forKey: key)
        } else {
            result[key] = mergePatch(result[key] ?? NSNull(), value)
        }
    }
    return result
}
