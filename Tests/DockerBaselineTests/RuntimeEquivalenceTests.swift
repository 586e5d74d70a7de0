import Foundation
@testable import DockerBaseline
import Testing

/// A container and a Compose service configured the same way: the service's keys (YAML flow values) and the inspect
/// answer the engine gives for a container `docker compose up` created from it.
struct RuntimePair: Sendable, CustomTestStringConvertible {
    let name: String
    let compose: [String: String]
    let inspect: String
    var testDescription: String { name }

    init(_ name: String, compose: [String: String], inspect: String) {
        self.name = name
        self.compose = compose
        self.inspect = inspect
    }

    /// What both sides have unless a pair says otherwise: a user, a health check and a log that rotates (which Compose
    /// would otherwise leave to the image and the daemon), nothing else.
    static let composeBase = [
        "image": "a:1", "user": "\"10001\"", "healthcheck": "{test: [CMD, /ok]}", "logging": "{driver: json-file, options: {max-size: 10m}}",
    ]
    static let inspectBase = #"""
    {"State": {"Status": "created", "Running": false, "Pid": 0}, "AppArmorProfile": "", "ProcessLabel": "",
     "Config": {"User": "10001", "Image": "a:1", "Healthcheck": {"Test": ["CMD", "/ok"]}},
     "HostConfig": {"Privileged": false, "CapAdd": null, "CapDrop": null, "SecurityOpt": null, "NetworkMode": "app_default",
                    "PidMode": "", "IpcMode": "private", "UTSMode": "", "UsernsMode": "", "CgroupParent": "", "Memory": 0, "CpuShares": 0,
                    "NanoCpus": 0, "CpuQuota": 0, "CpusetCpus": "", "PidsLimit": null, "ReadonlyRootfs": false,
                    "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "PortBindings": {}, "PublishAllPorts": false, "Devices": [],
                    "DeviceCgroupRules": null, "Ulimits": null, "LogConfig": {"Type": "json-file", "Config": {"max-size": "10m", "syslog-address": null}}},
     "Mounts": [], "NetworkSettings": {"Ports": {}, "Networks": {"app_default": {"NetworkID": "n1"}}}}
    """#

    static let all: [RuntimePair] = [
        RuntimePair("defaults", compose: [:], inspect: "{}"),
        RuntimePair("privileged", compose: ["privileged": "true"], inspect: #"{"HostConfig": {"Privileged": true}}"#),
        RuntimePair("a capability in Docker's default set", compose: ["cap_add": "[NET_BIND_SERVICE]"],
                    inspect: #"{"HostConfig": {"CapAdd": ["NET_BIND_SERVICE"]}}"#),
        RuntimePair("SYS_ADMIN after dropping all", compose: ["cap_add": "[SYS_ADMIN]", "cap_drop": "[ALL]"],
                    inspect: #"{"HostConfig": {"CapAdd": ["SYS_ADMIN"], "CapDrop": ["ALL"]}}"#),
        RuntimePair("every capability", compose: ["cap_add": "[ALL]"], inspect: #"{"HostConfig": {"CapAdd": ["ALL"]}}"#),
        RuntimePair("seccomp off", compose: ["security_opt": "[\"seccomp=unconfined\"]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["seccomp=unconfined"]}}"#),
        RuntimePair("AppArmor off, old spelling", compose: ["security_opt": "[\"apparmor:unconfined\"]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["apparmor:unconfined"]}}"#),
        RuntimePair("SELinux labels off", compose: ["security_opt": "[\"label=disable\"]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["label=disable"]}}"#),
        RuntimePair("no-new-privileges", compose: ["security_opt": "[no-new-privileges]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges"]}}"#),
        RuntimePair("no-new-privileges turned off", compose: ["security_opt": "[\"no-new-privileges:false\"]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["no-new-privileges:false"]}}"#),
        RuntimePair("/etc read-only", compose: ["volumes": "[\"/etc:/host/etc:ro\"]"],
                    inspect: #"{"Mounts": [{"Type": "bind", "Source": "/etc", "Destination": "/host/etc", "RW": false, "Propagation": "rprivate"}]}"#),
        RuntimePair("the engine's socket", compose: ["volumes": "[\"/var/run/docker.sock:/var/run/docker.sock\"]"],
                    inspect: #"{"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true, "Propagation": "rprivate"}]}"#),
        RuntimePair("the host's root, long syntax, shared", compose: ["volumes": "[{type: bind, source: /, target: /host, bind: {propagation: rshared}}]"],
                    inspect: #"{"Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host", "RW": true, "Propagation": "rshared"}]}"#),
        RuntimePair("an application folder, a named volume", compose: ["volumes": "[\"/srv/app:/srv:ro\", \"cache:/cache\"]"],
                    inspect: #"{"Mounts": [{"Type": "bind", "Source": "/srv/app", "Destination": "/srv", "RW": false, "Propagation": "rprivate"}, {"Type": "volume", "Name": "cache", "Source": "/var/lib/docker/volumes/cache/_data", "Destination": "/cache", "RW": true}]}"#),
        RuntimePair("a port on every interface", compose: ["ports": "[\"8080:80\"]"],
                    inspect: #"{"HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}}"#),
        RuntimePair("a privileged port on loopback", compose: ["ports": "[\"127.0.0.1:80:8080\"]"],
                    inspect: #"{"HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "80"}]}}}"#),
        RuntimePair("IPv6 loopback, long syntax", compose: ["ports": "[{target: 9090, published: \"9090\", host_ip: \"::1\"}]"],
                    inspect: #"{"HostConfig": {"PortBindings": {"9090/tcp": [{"HostIp": "::1", "HostPort": "9090"}]}}}"#),
        RuntimePair("the host's network", compose: ["network_mode": "host"],
                    inspect: #"{"HostConfig": {"NetworkMode": "host"}, "NetworkSettings": {"Networks": {"host": {"NetworkID": "h"}}}}"#),
        RuntimePair("the default bridge", compose: ["network_mode": "bridge"],
                    inspect: #"{"HostConfig": {"NetworkMode": "bridge"}, "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "b"}}}}"#),
        RuntimePair("the host's PID, IPC and UTS namespaces", compose: ["pid": "host", "ipc": "host", "uts": "host"],
                    inspect: #"{"HostConfig": {"PidMode": "host", "IpcMode": "host", "UTSMode": "host"}}"#),
        RuntimePair("the host's user namespace", compose: ["userns_mode": "host"], inspect: #"{"HostConfig": {"UsernsMode": "host"}}"#),
        RuntimePair("limits", compose: ["mem_limit": "512m", "cpus": "0.5", "pids_limit": "100", "read_only": "true"],
                    inspect: #"{"HostConfig": {"Memory": 536870912, "NanoCpus": 500000000, "PidsLimit": 100, "ReadonlyRootfs": true}}"#),
        RuntimePair("limits under deploy", compose: ["deploy": "{resources: {limits: {memory: 1g, cpus: '1.5', pids: 50}}}"],
                    inspect: #"{"HostConfig": {"Memory": 1073741824, "NanoCpus": 1500000000, "PidsLimit": 50}}"#),
        RuntimePair("CPU shares at the default weight", compose: ["cpu_shares": "1024"], inspect: #"{"HostConfig": {"CpuShares": 1024}}"#),
        RuntimePair("a CPU set", compose: ["cpuset": "\"0\"", "pids_limit": "-1"], inspect: #"{"HostConfig": {"CpusetCpus": "0", "PidsLimit": -1}}"#),
        RuntimePair("restart always", compose: ["restart": "always"], inspect: #"{"HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}}"#),
        RuntimePair("restart on failure, 3 times", compose: ["restart": "on-failure:3"],
                    inspect: #"{"HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}}}"#),
        RuntimePair("restart unless stopped", compose: ["restart": "unless-stopped"],
                    inspect: #"{"HostConfig": {"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}}}"#),
        RuntimePair("a read-only device", compose: ["devices": "[\"/dev/fuse:/dev/fuse:r\"]"],
                    inspect: #"{"HostConfig": {"Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "r"}]}}"#),
        RuntimePair("a device cgroup rule", compose: ["device_cgroup_rules": "[\"c 10:200 rwm\"]"],
                    inspect: #"{"HostConfig": {"DeviceCgroupRules": ["c 10:200 rwm"]}}"#),
        RuntimePair("ulimits and a cgroup parent", compose: ["ulimits": "{nofile: {soft: 1024, hard: 2048}, nproc: 512}", "cgroup_parent": "/custom"],
                    inspect: #"{"HostConfig": {"Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}, {"Name": "nproc", "Soft": 512, "Hard": 512}], "CgroupParent": "/custom"}}"#),
        RuntimePair("/proc and /sys unmasked", compose: ["security_opt": "[\"systempaths=unconfined\"]"],
                    inspect: #"{"HostConfig": {"SecurityOpt": ["systempaths=unconfined"], "MaskedPaths": [], "ReadonlyPaths": []}}"#),
        RuntimePair("the host's cgroup namespace, NET_RAW dropped", compose: ["cgroup": "host", "cap_drop": "[NET_RAW]"],
                    inspect: #"{"HostConfig": {"CgroupnsMode": "host", "CapDrop": ["NET_RAW"]}}"#),
        RuntimePair("root", compose: ["user": "root"], inspect: #"{"Config": {"User": "root"}}"#),
        RuntimePair("uid 0 with a group", compose: ["user": "\"0:1000\""], inspect: #"{"Config": {"User": "0:1000"}}"#),
        RuntimePair("health check off", compose: ["healthcheck": "{disable: true}"], inspect: #"{"Config": {"Healthcheck": {"Test": ["NONE"]}}}"#),
        RuntimePair("a shell health check", compose: ["healthcheck": "{test: \"curl -f localhost\"}"],
                    inspect: #"{"Config": {"Healthcheck": {"Test": ["CMD-SHELL", "curl -f localhost"]}}}"#),
        RuntimePair("a log that grows", compose: ["logging": "{driver: json-file}"],
                    inspect: #"{"HostConfig": {"LogConfig": {"Type": "json-file", "Config": {"max-size": null}}}}"#),
        RuntimePair("logs to syslog", compose: ["logging": "{driver: syslog}"],
                    inspect: #"{"HostConfig": {"LogConfig": {"Type": "syslog", "Config": {"max-size": null}}}}"#),
    ]
}

@Suite("A container and a Compose service configured the same way get the same verdict")
struct RuntimeEquivalenceTests {
    /// The audited engine is a stock dockerd on a host with AppArmor and SELinux, as lint assumes for Compose files.
    static let stockEngine = #"{"info": {"SecurityOptions": ["name=seccomp,profile=builtin", "name=apparmor", "name=selinux"], "CgroupVersion": "2"}, "host": {"daemon": {"settings": []}}}"#

    /// Every runtime check's verdict on the container (status and severity) and on the service.
    static func verdicts(_ pair: RuntimePair) throws -> [(check: RuleID, container: String, compose: String)] {
        let inspect = try JSONSerialization.data(withJSONObject: mergePatch(
            try JSONSerialization.jsonObject(with: Data(RuntimePair.inspectBase.utf8)),
            try JSONSerialization.jsonObject(with: Data(pair.inspect.utf8))))
        let snapshot = try RuleExample(container: String(decoding: inspect, as: UTF8.self), snapshot: stockEngine, expect: .pass).makeSnapshot()
        let context = AuditContext(snapshot)
        let keys = RuntimePair.composeBase.merging(pair.compose) { _, new in new }
        let text = "services:\n  app:\n" + keys.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)\n" }.joined()
        let file = try parseBuildFile(.compose, text)
        guard case let .compose(project) = file, project.problems.isEmpty else { throw CocoaError(.fileReadCorruptFile) }
        return RuleCatalog.runtimeChecks.map { check in
            let finding = ContainerCheckRule(check: check).evaluate(context)[0]
            let container = "\(finding.status) \(finding.severity ?? check.metadata.severity)"
            let findings = ComposeCheckRule(check).check(file, RuleSettings())
            let compose = Set(findings.map { "\($0.status) \($0.severity ?? check.metadata.severity)" })
            return (check.metadata.id, container, compose.isEmpty ? "pass \(check.metadata.severity)" : compose.sorted().joined(separator: " | "))
        }
    }

    @Test(arguments: RuntimePair.all)
    func sameVerdict(_ pair: RuntimePair) throws {
        for verdict in try Self.verdicts(pair) {
            #expect(verdict.container == verdict.compose, "\(pair.name): \(verdict.check) gives the container \(verdict.container), the service \(verdict.compose)")
        }
    }

    @Test("The environment judged for the containers is the one lint assumes")
    func sameEnvironment() throws {
        let snapshot = try RuleExample(snapshot: Self.stockEngine, expect: .pass).makeSnapshot()
        let environment = RuntimeEnvironment(snapshot)
        let stock = RuntimeEnvironment.stockEngine
        #expect(environment.seccomp == stock.seccomp && environment.appArmor == stock.appArmor && environment.seLinux == stock.seLinux)
        #expect(environment.noNewPrivileges?.enabled == stock.noNewPrivileges?.enabled)
        #expect(Set(environment.engineSockets) == Set(stock.engineSockets) && environment.cgroupVersion == stock.cgroupVersion)
    }

    @Test("Every runtime check flags at least one pair, so no check passes this test by passing everything")
    func everyCheckFlags() throws {
        var flagged = Set<RuleID>()
        for pair in RuntimePair.all {
            for verdict in try Self.verdicts(pair) where !verdict.container.hasPrefix("pass") { flagged.insert(verdict.check) }
        }
        let checks = Set(RuleCatalog.runtimeChecks.map(\.metadata.id))
        #expect(checks.subtracting(flagged).isEmpty, "never flagged: \(checks.subtracting(flagged).sorted())")
    }
}

@Suite("Compose findings about one item of a list point at that item")
struct ComposeItemLocationTests {
    @Test("cap_add, devices, ports, volumes and security_opt items, in block and flow lists: line and column of the item")
    func itemLocations() throws {
        let text = """
        services:
          app:
            image: a:1
            cap_add: [CHOWN, SYS_ADMIN]
            devices:
              - /dev/null:/dev/null:r
              - /dev/fuse:/dev/fuse
            ports: ["127.0.0.1:8080:80", "9090:9090"]
            volumes:
              - ./data:/data
              - /etc:/host-etc:ro
            security_opt:
              - no-new-privileges:true
              - seccomp=unconfined

        """
        let file = try parseBuildFile(.compose, text)
        func places(_ id: RuleID) throws -> [String] {
            let rule = try #require(RuleCatalog.lintRule(id: id))
            return rule.check(file, RuleSettings()).filter { $0.status == .fail }.map { "\($0.range.line):\($0.range.column)" }
        }
        #expect(try places(.composeCapabilities) == ["4:22"])
        #expect(try places(.composeDevices) == ["6:9", "7:9"])
        #expect(try places(.composePortBindAddress) == ["8:34"])
        #expect(try places(.composeSensitiveMounts) == ["11:9"])
        #expect(try places(.composeSeccomp) == ["14:9"])
    }
}
