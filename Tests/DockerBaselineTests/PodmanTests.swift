@testable import DockerBaseline
import Foundation
import Testing

/// A Podman API service of the test's own (`podman system service` on a socket in a temporary folder), with its own
/// storage, locks, configuration and home, so nothing of the host's Podman is read or changed. `stop()` removes its
/// containers, images and folder.
final class PodmanService: @unchecked Sendable {
    let directory: URL
    let socket: String
    let environment: [String: String]
    private let process: Process

    /// `containers` is added to containers.conf's [containers] table, `engine` to [engine]; `registries` is the user's
    /// registries.conf and `policy` the user's policy.json (both under the service's own $HOME).
    init(containers: String = "", registries: String = "", policy: String) throws {
        guard let podman = HostFiles().which("podman") else { throw TestSetupError("podman is not installed (scripts/test.sh installs it)") }
        directory = try TestEnvironment.temporaryDirectory()
        let path = directory.path
        let home = directory.appendingPathComponent("home/.config/containers")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // The machine refuses raising nofile/nproc, so every container gets limits it can set.
        try """
        [containers]
        default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
        \(containers)

        [engine]
        tmp_dir = "\(path)/tmp"
        lock_type = "file"
        events_logger = "none"
        static_dir = "\(path)/storage/libpod"
        volume_path = "\(path)/storage/volumes"
        """.write(to: directory.appendingPathComponent("containers.conf"), atomically: true, encoding: .utf8)
        try """
        [storage]
        driver = "vfs"
        graphroot = "\(path)/storage"
        runroot = "\(path)/run"
        """.write(to: directory.appendingPathComponent("storage.conf"), atomically: true, encoding: .utf8)
        try registries.write(to: home.appendingPathComponent("registries.conf"), atomically: true, encoding: .utf8)
        try policy.write(to: home.appendingPathComponent("policy.json"), atomically: true, encoding: .utf8)
        socket = "\(path)/podman.sock"
        environment = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "\(path)/home",
                       "CONTAINERS_CONF": "\(path)/containers.conf", "CONTAINERS_STORAGE_CONF": "\(path)/storage.conf"]
        process = Process()
        process.executableURL = URL(fileURLWithPath: podman)
        process.arguments = ["system", "service", "--time=0", "unix://\(socket)"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline, process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        guard FileManager.default.fileExists(atPath: socket) else {
            stop()
            throw TestSetupError("podman system service did not create \(socket)")
        }
    }

    /// Runs the podman command line on the service's storage. Its output goes to a file, not a pipe: conmon, which
    /// `podman run -d` leaves running, inherits the descriptors and would hold a pipe open for the container's life.
    func podman(_ arguments: [String]) throws {
        let output = directory.appendingPathComponent("podman-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HostFiles().which("podman")!)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let end = process.end(within: 120)
        if end == nil { DockerBaselineTests.stop(process) }
        guard end == .exited(0) else {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            throw TestSetupError("podman \(arguments.joined(separator: " ")) failed (\(end.map { "\($0)" } ?? "still running after 120 s")): \(text.suffix(500))")
        }
    }

    /// Imports a busybox root filesystem as `name`; `setuid` adds a setuid copy of busybox at /usr/local/bin/tool.
    func importImage(_ name: String, setuid: Bool) throws {
        let root = directory.appendingPathComponent("rootfs-\(UUID().uuidString)")
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        guard let busybox = HostFiles().which("busybox") else { throw TestSetupError("busybox is not installed (scripts/test.sh installs busybox-static)") }
        try FileManager.default.copyItem(atPath: busybox, toPath: bin.appendingPathComponent("busybox").path)
        if setuid {
            let tool = root.appendingPathComponent("usr/local/bin")
            try FileManager.default.createDirectory(at: tool, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: busybox, toPath: tool.appendingPathComponent("tool").path)
            chmod(tool.appendingPathComponent("tool").path, 0o4755)
        }
        let archive = directory.appendingPathComponent("\(UUID().uuidString).tar").path
        let tar = try run("/bin/tar", ["-C", root.path, "-cf", archive, "."])
        guard tar.status == 0 else { throw TestSetupError("tar failed: \(tar.summary)") }
        try podman(["import", "--change", "CMD [\"/bin/busybox\", \"sleep\", \"300\"]", archive, name])
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.removeItem(atPath: archive)
    }

    /// Removes every container and image, stops the service and removes the folder.
    func stop() {
        if process.isRunning {
            try? podman(["rm", "--all", "--force", "--time", "0"])
            try? podman(["rmi", "--all", "--force"])
        }
        DockerBaselineTests.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }

    func snapshot(imageContents: ImageContentsScope = .all) async throws -> Snapshot {
        // Podman exports an image in seconds alone, but beside the rest of the suite it took over the 30 s default.
        var options = CollectOptions(host: "unix://\(socket)", environment: [:], timeoutSeconds: 120)
        options.imageContents = imageContents
        return try await Collector.snapshot(options)
    }
}

private let acceptAnything = #"{"default": [{"type": "insecureAcceptAnything"}], "transports": {"docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}}}"#
private let signaturesRequired = #"""
{"default": [{"type": "reject"}],
 "transports": {"docker": {"registry.example.com": [{"type": "sigstoreSigned", "keyPath": "/etc/containers/cosign.pub"}],
                           "quay.io/team": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/etc/pki/team.gpg"}]}}}
"""#

extension AuditReport {
    func results(_ rule: RuleID) -> [Result] { results.filter { $0.rule.id == rule } }
    func status(_ rule: RuleID) -> Status? { results(rule).first?.status }
}

@Suite("Podman engines", .serialized)
struct PodmanEngineTests {
    @Test("A risky Podman engine is judged by its own configuration, never dockerd's; containers, images and contents read")
    func riskyPodman() async throws {
        let service = try await offPool {
            try PodmanService(
                containers: """
                default_capabilities = ["CHOWN", "SETUID", "SETGID", "SYS_ADMIN"]
                pids_limit = 0
                seccomp_profile = "unconfined"
                """,
                registries: """
                unqualified-search-registries = ["docker.io", "quay.io"]
                short-name-mode = "permissive"
                [[registry]]
                location = "10.0.0.5:5000"
                insecure = true
                """,
                policy: acceptAnything)
        }
        defer { service.stop() }
        try await offPool {
            try service.importImage("localhost/dbt-podman-setuid:1", setuid: true)
            try service.importImage("localhost/dbt-podman-plain:1", setuid: false)
            try service.podman(["run", "-d", "--name", "dbt-podman-risky", "--network", "none", "--cap-add", "NET_ADMIN", "localhost/dbt-podman-setuid:1"])
            try service.podman(["run", "-d", "--name", "dbt-podman-hardened", "--network", "none", "--cap-drop", "ALL", "--read-only",
                                "--security-opt", "no-new-privileges", "--memory", "64m", "--pids-limit", "50", "localhost/dbt-podman-plain:1"])
            try service.podman(["create", "--name", "dbt-podman-privileged", "--network", "none", "--privileged", "localhost/dbt-podman-plain:1"])
        }
        let snapshot = try await service.snapshot()
        let report = Evaluator.evaluate(snapshot)
        // What `collect -o` saves is what `audit --snapshot` judges: the identity and Podman's facts survive the file.
        #expect(try JSONDecoder().decode(Snapshot.self, from: try SnapshotFile.encode(snapshot)) == snapshot)

        #expect(snapshot.identity.kind == .podmanRootful)
        #expect(snapshot.identity.version == "4.3.1" || snapshot.identity.version?.hasPrefix("4.") == true || snapshot.identity.version?.hasPrefix("5.") == true)
        #expect(snapshot.host?.engineProcess?.command == "podman")
        #expect(snapshot.host?.daemon.running == false, "a dockerd's configuration was read for the Podman engine")
        #expect(snapshot.host?.podman?.sources.contains("\(service.directory.path)/containers.conf") == true)

        // Docker-only items: skipped with the Podman equivalent named, never judged from dockerd's files.
        for result in report.results where ["daemon", "file", "swarm"].contains(result.rule.id.family) || result.rule.id == .clientContentTrust
            || result.rule.id == .hostDockerGroup || result.rule.id.rawValue.hasPrefix("host.audit-") {
            #expect(result.status == .skipped && result.finding.message.en.hasPrefix("not applicable to Podman"), "\(result.rule.id): \(result.finding.message.en)")
        }
        #expect(!report.results.contains { $0.finding.evidence.values.contains { $0.contains("/etc/docker/daemon.json") } })

        // Advisories: Podman's own version, looked up as podman.
        let advisories = try #require(report.results(.hostEngineAdvisories).first)
        #expect(advisories.finding.evidence["docker-engine"] == nil)
        #expect(advisories.finding.evidence["podman"] == snapshot.identity.version)
        #expect(advisories.status == .fail || advisories.status == .warn, "\(advisories.finding.message.en)")
        #expect(!advisories.finding.message.en.contains("moby"))

        #expect(report.status(.podmanImageTrust) == .fail)
        #expect(report.status(.podmanShortNames) == .fail)
        #expect(report.status(.podmanInsecureRegistries) == .fail)
        #expect(report.status(.podmanDefaultCapabilities) == .fail)
        #expect(report.status(.podmanPidsLimit) == .fail)
        #expect(report.status(.podmanSeccomp) == .fail)
        #expect(report.status(.podmanConfiguration) == .pass)
        #expect(report.status(.podmanRemoteApi) == .pass)
        let socketMode = try #require(report.results(.podmanFileMode).first { $0.target.name == service.socket })
        #expect(socketMode.status == .pass || socketMode.status == .fail)
        #expect(report.results(.podmanFileOwner).allSatisfy { $0.status == .pass }, "\(report.results(.podmanFileOwner).map(\.finding.message.en))")

        // Containers in every state, through the same runtime checks as Docker's.
        #expect(report.result(.containerPrivileged, "dbt-podman-privileged")?.status == .fail)
        #expect(report.result(.containerPrivileged, "dbt-podman-hardened")?.status == .pass)
        #expect(report.result(.containerCapabilities, "dbt-podman-risky")?.status == .fail)
        #expect(report.result(.containerCapabilities, "dbt-podman-hardened")?.status == .pass)

        // Image contents from Podman's export (layers named <digest>.tar at the archive's top).
        let setuid = try #require(snapshot.images.first { $0.inspect.tags.contains("localhost/dbt-podman-setuid:1") })
        #expect(setuid.contentsError == nil)
        #expect(setuid.contents?.problems.isEmpty == true, "\(setuid.contents?.problems.map(\.message) ?? [])")
        #expect(report.result(.imageSetuid, "localhost/dbt-podman-setuid:1")?.status == .fail)
        #expect(report.result(.imageSetuid, "localhost/dbt-podman-plain:1")?.status == .pass)

        // The command line: the header and the JSON name the engine.
        let text = try await runToolAsync(["audit", "--image-contents", "none"], environment: ["DOCKER_HOST": "unix://\(service.socket)"], timeout: 120)
        #expect(text.stdout.contains("Podman rootful \(snapshot.identity.version ?? "")"), "\(text.stdout.prefix(300)) \(text.summary)")
        let json = try await runToolAsync(["audit", "--format", "json", "--image-contents", "none"], environment: ["DOCKER_HOST": "unix://\(service.socket)"], timeout: 120)
        let engine = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["engine"] as? [String: Any])
        #expect(engine["kind"] as? String == "podman-rootful")
    }

    @Test("A Podman engine that requires signatures, enforces short names and keeps the defaults passes those items")
    func hardenedPodman() async throws {
        let service = try await offPool {
            try PodmanService(
                containers: """
                no_new_privileges = true
                userns = "auto"
                """,
                registries: """
                unqualified-search-registries = ["docker.io", "quay.io"]
                short-name-mode = "enforcing"
                [[registry]]
                location = "registry.example.com"
                """,
                policy: signaturesRequired)
        }
        defer { service.stop() }
        let report = Evaluator.evaluate(try await service.snapshot(imageContents: .none))
        #expect(report.snapshot.identity.kind == .podmanRootful)
        #expect(report.status(.podmanImageTrust) == .pass, "\(report.results(.podmanImageTrust).map(\.finding.message.en))")
        #expect(report.status(.podmanShortNames) == .pass)
        #expect(report.status(.podmanInsecureRegistries) == .pass)
        #expect(report.status(.podmanDefaultCapabilities) == .pass)
        #expect(report.status(.podmanPidsLimit) == .pass)
        #expect(report.status(.podmanSeccomp) == .pass)
        #expect(report.status(.podmanNoNewPrivileges) == .pass)
        #expect(report.status(.podmanUserns) == .pass)
    }

    @Test("dockerd and Podman on one host: each engine gets its own verdicts")
    func bothEngines() async throws {
        guard FileManager.default.fileExists(atPath: TestEnvironment.socket) else {
            throw TestSetupError("dockerd is not running at \(TestEnvironment.socket) (scripts/test.sh starts it)")
        }
        let service = try await offPool { try PodmanService(policy: acceptAnything) }
        defer { service.stop() }
        let podman = Evaluator.evaluate(try await service.snapshot(imageContents: .none))
        let docker = Evaluator.evaluate(try await Collector.snapshot(CollectOptions(host: "unix://\(TestEnvironment.socket)", environment: [:])))

        #expect(podman.snapshot.identity.kind == .podmanRootful)
        #expect(docker.snapshot.identity.kind == .docker)
        #expect(docker.snapshot.host?.engineProcess?.command == "dockerd")
        #expect(docker.snapshot.host?.daemon.running == true)
        #expect(docker.snapshot.host?.podman == nil)
        #expect(podman.snapshot.host?.daemon.running == false)
        #expect(podman.snapshot.host?.daemon.pid == nil)
        // Docker is judged by Docker's rules only, Podman by Podman's.
        #expect(docker.results.allSatisfy { $0.rule.id.family != "podman" })
        #expect(docker.results(.daemonLogLevel).allSatisfy { $0.status != .skipped })
        #expect(podman.results(.daemonLogLevel).allSatisfy { $0.status == .skipped })
        #expect(podman.status(.podmanImageTrust) == .fail)
        #expect(docker.results(.hostEngineAdvisories).first?.finding.evidence["docker-engine"] != nil)
        #expect(podman.results(.hostEngineAdvisories).first?.finding.evidence["docker-engine"] == nil)
    }
}

@Suite("Podman configuration files")
struct PodmanConfigurationTests {
    @Test("The TOML Podman's packages install parses", arguments: [
        "/usr/share/containers/containers.conf", "/etc/containers/registries.conf", "/etc/containers/registries.conf.d/shortnames.conf",
        "/usr/share/containers/storage.conf", "/etc/containers/storage.conf", "/etc/containers/containers.conf",
    ])
    func realFiles(_ path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }  // not every file is installed
        let document = try TOML.parse(text)
        if path.hasSuffix("shortnames.conf") {
            guard case let .table(aliases)? = document["aliases"] else { Issue.record("no [aliases] in \(path)"); return }
            #expect(aliases["almalinux"]?.string == "docker.io/library/almalinux")
        }
        if path == "/usr/share/containers/containers.conf" {
            #expect(document.keys.contains("containers") && document.keys.contains("engine"))
        }
    }

    @Test func documentShapes() throws {
        let document = try TOML.parse(#"""
        # comment
        unqualified-search-registries = ["docker.io", # first
          "quay.io",   # trailing comma next
        ]
        short-name-mode = 'enforcing'

        [containers]
        pids_limit = 2_048
        env = ["A=1", "B=\"q\" \u00e9"]
        "quoted key" = true
        text = """
        two\
          lines"""
        mirror = { location = "m.example.com", insecure = false }

        [[registry]]
        prefix = "a.example.com"
        insecure = true
        [[registry.mirror]]
        location = "m1"
        [[registry]]
        prefix = "b.example.com"
        [engine.runtimes]
        crun = ["/usr/bin/crun"]
        """#)
        #expect(document["unqualified-search-registries"]?.texts == ["docker.io", "quay.io"])
        #expect(document["short-name-mode"]?.string == "enforcing")
        guard case let .table(containers)? = document["containers"] else { Issue.record("no containers"); return }
        #expect(containers["pids_limit"] == .integer(2048))
        #expect(containers["env"]?.texts == ["A=1", "B=\"q\" é"])
        #expect(containers["quoted key"] == .bool(true))
        #expect(containers["text"]?.string == "twolines")
        #expect(containers.line(of: "pids_limit") == 8)
        guard case let .array(registries)? = document["registry"], registries.count == 2, case let .table(first) = registries[0] else {
            Issue.record("registries: \(String(describing: document["registry"]))"); return
        }
        #expect(first["insecure"]?.bool == true && first.line == 16)
        #expect(PodmanConfigReader.flatten(document).map(\.0).contains("engine.runtimes.crun"))
    }

    @Test("Hostile or broken TOML is an error naming the line", arguments: [
        ("a = \"unterminated\n", 1, "unterminated"),
        ("[t]\na = 1\na = 2\n", 3, "defined twice"),
        ("[t]\n[t]\n", 2, "defined twice"),
        ("a = 1 b = 2\n", 1, "after the value"),
        ("\n\na = tru\n", 3, "true or false"),
        ("a = nope\n", 1, "not a value"),
        ("a = 01\n", 1, "leading zero"),
        ("a = [1, 2\n", 2, "unterminated array"),
        ("a = \"\\q\"\n", 1, "unknown escape"),
        ("a = \"\u{01}\"\n", 1, "control character"),
        ("= 1\n", 1, "expected a key"),
        ("a.b = 1\na = 2\n", 2, "defined twice"),
        ("a = 1\n[a]\n", 2, "not a table"),
        ("a = 1979-05-27\n", 1, "not a value"),
        ("x = " + String(repeating: "[", count: 200) + "\n", 1, "nested"),
    ])
    func hostile(_ input: String, _ line: Int, _ message: String) {
        do {
            _ = try TOML.parse(input)
            Issue.record("parsed: \(input.prefix(40))")
        } catch let error as TOMLError {
            #expect(error.line == line && error.message.contains(message), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func oversizedFile() {
        #expect(throws: TOMLError.self) { try TOML.parse(String(repeating: "# filler\n", count: 200_000)) }
    }

    @Test("containers.conf, drop-ins and the user's files in Podman's order; registries drop-ins; problems name file and line")
    func configurationOrder() throws {
        let root = try makeFakeHost([
            "usr/share/containers/containers.conf": "[containers]\npids_limit = 2048\nlog_driver = \"k8s-file\"\n",
            "etc/containers/containers.conf": "[containers]\npids_limit = 100\n",
            "etc/containers/containers.conf.d/20-b.conf": "[containers]\nlog_driver = \"journald\"\n",
            "etc/containers/containers.conf.d/10-a.conf": "[containers]\nlog_driver = \"none\"\nseccomp_profile = \"unconfined\"\n",
            "home/u/.config/containers/containers.conf": "[containers]\npids_limit = 5\n",
            "etc/containers/registries.conf": "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n[[registry]]\nprefix = \"r.example.com\"\ninsecure = true\n",
            "etc/containers/registries.conf.d/50-fix.conf": "short-name-mode = \"enforcing\"\n[[registry]]\nprefix = \"r.example.com\"\ninsecure = false\n",
            "etc/containers/storage.conf": "[storage]\ndriver = \"overlay\"\n[storage\n",
            "etc/containers/policy.json": #"{"default": [{"type": "reject"}], "transports": {"docker": {"r.example.com": [{"type": "signedBy", "keyPath": "/k"}]}}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let files = HostFiles(root: root.path)
        let rootful = PodmanConfigReader(files: files, rootless: false, environment: ["HOME": "/root"]).read()
        #expect(rootful.containers("containers.pids_limit")?.values == ["100"])
        #expect(rootful.containers("containers.pids_limit")?.source == "/etc/containers/containers.conf:2")
        #expect(rootful.containers("containers.log_driver")?.values == ["journald"])
        #expect(rootful.containers("containers.seccomp_profile")?.source == "/etc/containers/containers.conf.d/10-a.conf:3")
        #expect(rootful.registries == [PodmanRegistry(prefix: "r.example.com", insecure: false, source: "/etc/containers/registries.conf.d/50-fix.conf:2")])
        #expect(rootful.registriesSetting("short-name-mode")?.values == ["enforcing"])
        #expect(rootful.policy == SignaturePolicy(defaultTypes: ["reject"], dockerScopes: ["r.example.com": ["signedBy"]]))
        #expect(rootful.problems == ["/etc/containers/storage.conf:3: expected ] to close the table header"])

        let rootless = PodmanConfigReader(files: files, rootless: true, environment: ["HOME": "/home/u"]).read()
        #expect(rootless.containers("containers.pids_limit")?.values == ["5"])
        #expect(rootless.containers("containers.pids_limit")?.source == "/home/u/.config/containers/containers.conf:2")

        // CONTAINERS_CONF replaces every containers.conf.
        let only = PodmanConfigReader(files: files, rootless: false, environment: ["CONTAINERS_CONF": "/usr/share/containers/containers.conf"]).read()
        #expect(only.containers("containers.pids_limit")?.values == ["2048"])
        #expect(only.containers("containers.seccomp_profile") == nil)
    }

    @Test("A shared snapshot masks credentials in Podman's settings (containers.conf env)")
    func masking() throws {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.host?.podman = PodmanFacts(rootless: false, containersConf: [
            DaemonSetting(key: "containers.env", values: ["PATH=/usr/bin", "DB_PASSWORD=hunter2-very-secret"], source: "/etc/containers/containers.conf:4"),
        ])
        let shared = try #require(snapshot.maskingSecrets.host?.podman?.containers("containers.env"))
        #expect(shared.values.first == "PATH=/usr/bin")
        #expect(!shared.values.joined().contains("hunter2"))
    }

    @Test("A version 1 registries.conf and a missing or malformed policy.json")
    func registriesV1AndPolicy() throws {
        let root = try makeFakeHost([
            "etc/containers/registries.conf": "[registries.search]\nregistries = ['docker.io', 'quay.io']\n[registries.insecure]\nregistries = ['10.1.1.1:5000']\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = PodmanConfigReader(files: HostFiles(root: root.path), rootless: false, environment: [:]).read()
        #expect(facts.registriesSetting("unqualified-search-registries")?.values == ["docker.io", "quay.io"])
        #expect(facts.registries.first?.insecure == true && facts.registries.first?.prefix == "10.1.1.1:5000")
        #expect(facts.policy == nil && facts.problems.contains { $0.hasPrefix("/etc/containers/policy.json does not exist") })
        #expect(throws: PodmanConfigReader.PolicyError.self) { try PodmanConfigReader.parsePolicy(Data(#"{"transports": {}}"#.utf8)) }
        #expect(throws: PodmanConfigReader.PolicyError.self) { try PodmanConfigReader.parsePolicy(Data("[1, 2]".utf8)) }
    }
}

@Suite("Rootless Docker")
struct RootlessDockerTests {
    /// A rootless dockerd as a recorded snapshot records it: `name=rootless` from /info, the daemon process running as
    /// uid 1000, its socket under $XDG_RUNTIME_DIR owned by that user.
    static func recordedSnapshot(socketUID: Int) throws -> Snapshot {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.info.securityOptions = ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]
        snapshot.host?.engineProcess = EngineProcess(pid: 4242, command: "dockerd", uid: 1000, executable: "/usr/bin/dockerd")
        snapshot.host?.files = [FileFacts(path: "/run/user/1000/docker.sock", role: .dockerSocket, exists: true, type: "socket", mode: 0o660,
                                          uid: socketUID, gid: socketUID, owner: socketUID == 0 ? "root" : "alice", group: socketUID == 0 ? "root" : "alice")]
        snapshot.engineIdentity = EngineIdentity.identify(version: snapshot.engine, info: snapshot.info, process: snapshot.host?.engineProcess)
        return snapshot
    }

    @Test("Identified as Docker rootless; 2.1 passes; the socket is judged against the daemon's user, both ways")
    func recorded() throws {
        let report = Evaluator.evaluate(try Self.recordedSnapshot(socketUID: 1000))
        #expect(report.snapshot.identity.kind == .dockerRootless)
        #expect(report.status(.daemonRootless) == .pass)
        #expect(report.result(.fileDockerSockOwner, "/run/user/1000/docker.sock")?.status == .pass)
        let wrong = Evaluator.evaluate(try Self.recordedSnapshot(socketUID: 0))
        #expect(wrong.result(.fileDockerSockOwner, "/run/user/1000/docker.sock")?.status == .fail)
    }

    @Test("The header names the engine kind in text, JSON, Markdown and HTML, from a recorded snapshot")
    func headers() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rootless.json").path
        try SnapshotFile.encode(try Self.recordedSnapshot(socketUID: 1000)).write(to: URL(fileURLWithPath: path))
        for (format, expected) in [("text", "Docker rootless 28.5.2"), ("json", #""kind": "docker-rootless""#), ("markdown", "Docker rootless 28.5.2"),
                                   ("html", "Docker rootless 28.5.2")] {
            let result = try runTool(["audit", "--snapshot", path, "--format", format])
            #expect(result.stdout.contains(expected), "\(format): \(result.stdout.prefix(400)) \(result.summary)")
        }
    }
}

/// A rootless dockerd of the test's own (dockerd-rootless.sh under rootlesskit), run as `nobody` (uid 65534) with a
/// subordinate id range the test adds to /etc/subuid and /etc/subgid and restores afterwards, its home, runtime folder and data in a
/// temporary folder.
final class RootlessDocker: @unchecked Sendable {
    static let uid = 65534
    let directory: URL
    let socket: String
    private let process: Process
    private let ids: SubordinateIDs

    init(daemonJSON: String) throws {
        let script = ["/usr/share/docker.io/contrib/dockerd-rootless.sh", "/usr/bin/dockerd-rootless.sh"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let script, HostFiles().which("rootlesskit") != nil, HostFiles().which("newuidmap") != nil else {
            throw TestSetupError("rootless Docker needs dockerd-rootless.sh (docker.io), rootlesskit and uidmap (scripts/test.sh installs them)")
        }
        // A short folder: containerd's socket goes below XDG_RUNTIME_DIR, and unix socket paths end at 108 bytes.
        directory = TestEnvironment.temporaryRoot.appendingPathComponent("rl-\(UUID().uuidString.prefix(8))")
        let run = directory.appendingPathComponent("run"), home = directory.appendingPathComponent("home")
        let config = home.appendingPathComponent(".config/docker")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try daemonJSON.write(to: config.appendingPathComponent("daemon.json"), atomically: true, encoding: .utf8)
        _ = try run_("/bin/chown", ["-R", "\(Self.uid):\(Self.uid)", directory.path])
        chmod(directory.path, 0o700)
        chmod(run.path, 0o700)
        socket = run.appendingPathComponent("docker.sock").path
        ids = try SubordinateIDs()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(Self.uid)", "--regid=\(Self.uid)", "--clear-groups", "/usr/bin/env", "-i", "HOME=\(home.path)",
                             "XDG_RUNTIME_DIR=\(run.path)", "PATH=\((script as NSString).deletingLastPathComponent):/usr/bin:/usr/sbin:/bin:/sbin",
                             script, "--data-root", directory.appendingPathComponent("data").path]
        let log = directory.appendingPathComponent("dockerd.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        process.standardOutput = logHandle
        process.standardError = logHandle
        do { try process.run() } catch {
            ids.restore()
            throw error
        }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline, process.isRunning { Thread.sleep(forTimeInterval: 0.2) }
        guard FileManager.default.fileExists(atPath: socket) else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let errors = output.split(separator: "\n").filter { $0.contains("error") }.suffix(3).joined(separator: " | ")
            stop()
            throw TestSetupError("dockerd-rootless.sh did not create \(socket): \(errors)")
        }
    }

    /// Stops rootlesskit (which dockerd-rootless.sh execs) and anything of ours still running, then cleans up.
    func stop() { stopRootless(process, directory: directory, ids: ids) }
}

/// A subordinate id range for `nobody` in /etc/subuid and /etc/subgid, for a rootless engine a test starts; `restore`
/// puts both files back as they were.
final class SubordinateIDs: @unchecked Sendable {
    private var saved: [(path: String, content: Data)] = []

    init() throws {
        for path in ["/etc/subuid", "/etc/subgid"] {
            let content = FileManager.default.contents(atPath: path) ?? Data()
            saved.append((path, content))
            var text = String(decoding: content, as: UTF8.self)
            if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
            // By name: rootlesskit counts a numeric entry twice (once for the uid, once for the name) and the map fails.
            try (text + "nobody:400000:65536\n").write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o644)
        }
    }

    func restore() {
        for (path, content) in saved { FileManager.default.createFile(atPath: path, contents: content, attributes: [.posixPermissions: 0o644]) }
        saved = []
    }
}

/// A rootless Podman service of the test's own, run as `nobody`: its configuration in the user's
/// ~/.config/containers (containers.conf with file locks, policy.json), storage and runtime folders in a temporary folder.
final class RootlessPodman: @unchecked Sendable {
    let directory: URL
    let socket: String
    private let process: Process
    private let ids: SubordinateIDs

    init(policy: String) throws {
        guard let podman = HostFiles().which("podman"), HostFiles().which("newuidmap") != nil else {
            throw TestSetupError("rootless Podman needs podman and uidmap (scripts/test.sh installs them)")
        }
        directory = TestEnvironment.temporaryRoot.appendingPathComponent("rp-\(UUID().uuidString.prefix(8))")
        let run = directory.appendingPathComponent("run"), home = directory.appendingPathComponent("home")
        let config = home.appendingPathComponent(".config/containers")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
        [containers]
        default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
        pids_limit = 0
        [engine]
        lock_type = "file"
        events_logger = "none"
        """.write(to: config.appendingPathComponent("containers.conf"), atomically: true, encoding: .utf8)
        try policy.write(to: config.appendingPathComponent("policy.json"), atomically: true, encoding: .utf8)
        _ = try run_("/bin/chown", ["-R", "\(RootlessDocker.uid):\(RootlessDocker.uid)", directory.path])
        chmod(directory.path, 0o700)
        chmod(run.path, 0o700)
        socket = run.appendingPathComponent("podman.sock").path
        ids = try SubordinateIDs()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(RootlessDocker.uid)", "--regid=\(RootlessDocker.uid)", "--clear-groups", "/usr/bin/env", "-i",
                             "HOME=\(home.path)", "XDG_RUNTIME_DIR=\(run.path)", "PATH=/usr/bin:/usr/sbin:/bin:/sbin",
                             podman, "system", "service", "--time=0", "unix://\(socket)"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            ids.restore()
            throw error
        }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline, process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        guard FileManager.default.fileExists(atPath: socket) else {
            stop()
            throw TestSetupError("rootless podman system service did not create \(socket)")
        }
    }

    func stop() { stopRootless(process, directory: directory, ids: ids) }
}

/// Stops a rootless engine's first process, then every process that names `directory` in its command line or
/// environment (rootless dockerd and containerd run in rootlesskit's namespaces; rootless Podman leaves a pause process
/// holding its user namespace, which names the folder only in XDG_RUNTIME_DIR); restores the subordinate ids and
/// removes the folder.
private func stopRootless(_ process: Process, directory: URL, ids: SubordinateIDs) {
    stop(process)
    let mine = directory.path
    for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? [] {
        let texts = ["cmdline", "environ"].compactMap { FileManager.default.contents(atPath: "/proc/\(pid)/\($0)") }
        guard texts.contains(where: { String(decoding: $0, as: UTF8.self).contains(mine) }) else { continue }
        stop(pid: pid)
    }
    ids.restore()
    try? FileManager.default.removeItem(at: directory)
}

/// `run` where a local `run` folder hides it.
private func run_(_ executable: String, _ arguments: [String]) throws -> CommandResult { try run(executable, arguments) }

/// Both run as `nobody` with the same subordinate ids: one at a time.
@Suite("Rootless engines, live", .serialized)
struct RootlessDockerLiveTests {
    @Test("A rootless dockerd: identified, judged by the user's daemon.json and socket, rootlesskit's port driver read")
    func live() async throws {
        let daemon = try await offPool { try RootlessDocker(daemonJSON: #"{"icc": false, "log-level": "debug"}"#) }
        defer { daemon.stop() }
        var snapshot: Snapshot?
        var lastError: (any Error)?
        // The API answers a moment after the socket appears.
        for _ in 0..<50 where snapshot == nil {
            do { snapshot = try await Collector.snapshot(CollectOptions(host: "unix://\(daemon.socket)", environment: [:], timeoutSeconds: 10)) } catch {
                lastError = error
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        let report = Evaluator.evaluate(try #require(snapshot, "\(String(describing: lastError))"))
        let host = try #require(report.snapshot.host)
        #expect(report.snapshot.identity.kind == .dockerRootless)
        #expect(host.engineProcess?.uid == RootlessDocker.uid && host.engineProcess?.command == "dockerd")
        #expect(host.daemon.configFile == daemon.directory.appendingPathComponent("home/.config/docker/daemon.json").path)
        #expect(host.rootlessKit?.portDriver == "builtin")
        #expect(!host.files.contains { $0.role == .etcDocker || $0.role == .dockerService })
        #expect(report.status(.daemonRootless) == .pass)
        #expect(report.status(.daemonRootlessPortDriver) == .warn)
        #expect(report.status(.daemonIcc) == .pass, "the user's daemon.json was not the one judged")
        #expect(report.status(.daemonLogLevel) == .fail)
        #expect(report.result(.fileDockerSockOwner, daemon.socket)?.status == .pass)
        #expect(report.results.allSatisfy { $0.rule.id.family != "podman" })
    }

    @Test("A rootless Podman service: identified by its process, judged by the user's containers.conf and policy.json")
    func rootlessPodman() async throws {
        let service = try await offPool { try RootlessPodman(policy: signaturesRequired) }
        defer { service.stop() }
        let report = Evaluator.evaluate(try await Collector.snapshot(CollectOptions(host: "unix://\(service.socket)", environment: [:])))
        let host = try #require(report.snapshot.host)
        #expect(report.snapshot.identity.kind == .podmanRootless)
        #expect(host.engineProcess?.uid == RootlessDocker.uid)
        #expect(host.podman?.rootless == true)
        #expect(host.podman?.policyFile == service.directory.appendingPathComponent("home/.config/containers/policy.json").path)
        #expect(report.status(.podmanRootless) == .pass)
        #expect(report.status(.podmanUserns) == .pass)
        #expect(report.status(.podmanImageTrust) == .pass)
        #expect(report.status(.podmanPidsLimit) == .fail, "the user's containers.conf was not read")
        #expect(report.result(.podmanFileOwner, service.socket)?.status == .pass)
        #expect(report.results.filter { $0.rule.id.family == "daemon" }.allSatisfy { $0.status == .skipped })
    }
}

@Suite("Archive layouts the Docker and OCI specs allow")
struct ArchiveLayoutTests {
    /// One layer holding a setuid file, and an archive whose manifest names it `layerPath` (written there, or as a
    /// symlink there to `storedAt`).
    static func archive(layerPath: String, storedAt: String? = nil, manifestNames: String? = nil) -> [UInt8] {
        var layer = TarBuilder()
        layer.entry("usr/bin/tool", mode: 0o4755, data: Array("tool".utf8))
        layer.end()
        let config = #"{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:\#(String(repeating: "a", count: 64))"]},"history":[{"created_by":"import"}]}"#
        var outer = TarBuilder()
        if let storedAt {
            outer.entry(storedAt, data: layer.bytes)
            outer.entry(layerPath, type: "2", link: "../\(storedAt)")
        } else {
            outer.entry(layerPath, data: layer.bytes)
        }
        outer.file("\(String(repeating: "c", count: 64)).json", config)
        outer.file("manifest.json", #"[{"Config":"\#(String(repeating: "c", count: 64)).json","RepoTags":["layout/test:1"],"Layers":["\#(manifestNames ?? layerPath)"]}]"#)
        outer.file("repositories", #"{"layout/test":{"1":"x"}}"#)
        outer.end()
        return outer.bytes
    }

    @Test("Layers named by digest are read wherever the manifest puts them", arguments: [
        ("\(String(repeating: "b", count: 64)).tar", nil),                      // Podman's docker-archive
        ("blobs/sha256/\(String(repeating: "b", count: 64))", nil),              // docker save since 25.0
        (String(repeating: "b", count: 64), nil),                                // a bare digest
        ("\(String(repeating: "d", count: 64))/layer.tar", "\(String(repeating: "b", count: 64)).tar"),  // Podman: a symlink to the digest
    ] as [(String, String?)])
    func layouts(_ layerPath: String, _ storedAt: String?) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try HostileArchiveTests.write(Self.archive(layerPath: layerPath, storedAt: storedAt), "image.tar", in: directory)
        let images = ImageContentsReader.readArchive(path)
        #expect(images.count == 1)
        #expect(images.first?.contents.problems.isEmpty == true, "\(images.first?.contents.problems.map(\.message) ?? [])")
        #expect(images.first?.contents.setuidFiles.map(\.path) == ["/usr/bin/tool"])
    }

    @Test("A manifest naming a layer that is not in the archive is a problem for that image, not a silent pass")
    func missingLayer() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The manifest names a layer the archive does not hold.
        let bytes = Self.archive(layerPath: "\(String(repeating: "b", count: 64)).tar", manifestNames: "\(String(repeating: "e", count: 64)).tar")
        let images = ImageContentsReader.readArchive(try HostileArchiveTests.write(bytes, "image.tar", in: directory))
        #expect(images.first?.contents.problems.contains { $0.message.contains("missing") } == true)
    }
}

@Suite("Engine identity")
struct EngineIdentityTests {
    static func version(_ components: [(String, String)], _ version: String) -> EngineVersion {
        var answer = EngineVersion()
        answer.version = version
        answer.components = components.map { EngineVersion.Component(name: $0.0, version: $0.1) }
        return answer
    }

    static func info(_ options: [String]) -> EngineInfo {
        var answer = EngineInfo()
        answer.securityOptions = options
        return answer
    }

    @Test("Decided from the engine's answers and the process behind the socket", arguments: [
        (version([("Engine", "28.5.2"), ("containerd", "1.7.28")], "28.5.2"), info(["name=seccomp,profile=builtin"]), nil, EngineKind.docker, "28.5.2"),
        (version([("Engine", "28.5.2")], "28.5.2"), info(["name=seccomp,profile=builtin", "name=rootless"]), nil, .dockerRootless, "28.5.2"),
        (version([("Engine", "20.10.24")], "20.10.24"), info([]), EngineProcess(pid: 7, command: "dockerd", uid: 1000), .dockerRootless, "20.10.24"),
        (version([("Podman Engine", "4.3.1"), ("Conmon", "conmon version 2.1.6")], "4.3.1"), info(["name=seccomp,profile=default"]), nil, .podmanRootful, "4.3.1"),
        (version([("Podman Engine", "5.4.2")], "5.4.2"), info(["name=seccomp,profile=default", "name=rootless"]), nil, .podmanRootless, "5.4.2"),
        (version([("Podman Engine", "4.3.1")], "4.3.1"), info([]), EngineProcess(pid: 9, command: "podman", uid: 1000), .podmanRootless, "4.3.1"),
        // A Podman service whose answers look like Docker's is still Podman: the process says so.
        (version([], "4.3.1"), info([]), EngineProcess(pid: 9, command: "podman", uid: 0, executable: "/usr/bin/podman"), .podmanRootful, "4.3.1"),
    ] as [(EngineVersion, EngineInfo, EngineProcess?, EngineKind, String)])
    func identify(_ version: EngineVersion, _ info: EngineInfo, _ process: EngineProcess?, _ kind: EngineKind, _ shown: String) {
        let identity = EngineIdentity.identify(version: version, info: info, process: process)
        #expect(identity.kind == kind)
        #expect(identity.version == shown)
        #expect(!identity.evidence.isEmpty || process == nil)
    }

    @Test("A snapshot without an identity (older, or a rule example) is identified from its answers; a collected one keeps its own")
    func snapshots() throws {
        var snapshot = try RuleExample(snapshot: #"{"engine": {"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]}}"#, expect: .pass).makeSnapshot()
        #expect(snapshot.engineIdentity == nil && snapshot.identity.kind == .podmanRootful && snapshot.engineLabel == "Podman rootful 4.3.1")
        snapshot.engineIdentity = EngineIdentity(kind: .podmanRootless, version: "4.3.1", evidence: ["socket served by podman (pid 9, uid 1000)"])
        let decoded = try JSONDecoder().decode(Snapshot.self, from: try SnapshotFile.encode(snapshot))
        #expect(decoded == snapshot && decoded.identity.kind == .podmanRootless)
    }
}
