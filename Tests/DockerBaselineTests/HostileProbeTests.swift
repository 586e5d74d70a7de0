@testable import DockerBaseline
import Foundation
import Testing

/// A hostile server on a loopback port, started for one test and stopped (SIGTERM, SIGKILL fallback, waited for) after.
final class ProbeServer {
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    deinit { stop(process) }

    /// Python servers that misbehave on purpose; `MODE` picks how. Each connection is served on its own thread until
    /// the client goes away.
    private static let script = #"""
    import socket, sys, threading
    mode = sys.argv[1]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    def serve(connection):
        try:
            connection.settimeout(30)
            if mode == "garbage":
                connection.sendall(bytes(range(256)) * 16)
                return
            connection.recv(4096)
            if mode == "endless-body":
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                while True:
                    connection.sendall(b"x" * 65536)
            if mode == "huge-header":
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Padding: ")
                while True:
                    connection.sendall(b"a" * 65536)
        except Exception:
            pass
        finally:
            connection.close()
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()
    """#

    static func python(_ mode: String) throws -> ProbeServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, mode]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { stop(process); throw TestSetupError("probe server \(mode) did not start") }
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            stop(process)
            throw TestSetupError("probe server \(mode) printed no port")
        }
        return ProbeServer(process: process, port: port)
    }

    /// `openssl s_server` with a self-signed certificate for 127.0.0.1 and `arguments` (`-Verify 1` requires a client
    /// certificate, `-verify 1` only asks for one).
    static func openssl(_ arguments: [String], in directory: URL) throws -> ProbeServer {
        let key = directory.appendingPathComponent("server-key.pem").path, certificate = directory.appendingPathComponent("server.pem").path
        if !FileManager.default.fileExists(atPath: certificate) {
            let made = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                    "-subj", "/CN=127.0.0.1", "-days", "1"])
            guard made.status == 0 else { throw TestSetupError("openssl req failed: \(made.stderr)") }
        }
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-CAfile", certificate,
                             "-quiet"] + arguments
        process.standardInput = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = ProbeServer(process: process, port: port)
        for _ in 0..<100 {
            if case .open = tcpConnect(host: "127.0.0.1", port: port, timeoutSeconds: 1) { return server }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSetupError("openssl s_server \(arguments) did not listen on \(port)")
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestSetupError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

@Suite("Hostile input: probes, output errors, snapshots", .serialized)
struct HostileProbeTests {
    // MARK: Probes

    /// Servers that are not a Docker API and do not ask for a client certificate: never "requires a client
    /// certificate", never a pass, and the probe ends within its bounds.
    @Test("Garbage, endless-body and huge-header servers are unknown services, not APIs that require a certificate",
          arguments: ["garbage", "endless-body", "huge-header"])
    func hostileServers(mode: String) async throws {
        let server = try ProbeServer.python(mode)
        let outcome = await APIProbe(timeoutSeconds: 2).probe(host: "127.0.0.1", port: server.port)
        if case .requiresClientCertificate = outcome { Issue.record("\(mode): \(outcome.description)") }
        if case .unauthenticated = outcome { Issue.record("\(mode): \(outcome.description)") }
        // Two HTTP steps, a handshake read and their backstops: seconds, far below forever. Timed in a process of its
        // own: in this one, the tests beside it hold the two threads async work runs on, for minutes at a time.
        let scan = try await runToolAsync(["scan-api", "127.0.0.1", "--ports", String(server.port), "--timeout", "2", "--format", "json",
                                           "--fail-on", "none"], timeout: 60)
        #expect(!scan.timedOut && scan.status == 0, "\(mode): scan-api \(scan.timedOut ? "still probing after 60 s" : "exited \(scan.status)")")

        let listener = await ListenerProbe(probe: APIProbe(timeoutSeconds: 2)).probe(Listener(address: "127.0.0.1", port: server.port, probe: ""))
        #expect(!listener.probe.contains("refused a client without a certificate"), "\(mode): \(listener.probe)")
        #expect(listener.unauthenticated != true)
    }

    @Test("scan-api reports a garbage server as information, never a pass")
    func scanAPIGarbage() throws {
        let server = try ProbeServer.python("garbage")
        let result = try runTool(["scan-api", "127.0.0.1", "--ports", String(server.port), "--timeout", "2", "--format", "json", "--fail-on", "none"])
        let report = try decodeReport(result.stdout)
        let item = try #require(report.results.first)
        #expect(item.status == "info", "\(item.status): \(item.message)")
        #expect(!item.message.contains("requires a client certificate"))
    }

    @Test("A TLS server that requires a client certificate is judged from its handshake; one that only asks, or asks nothing, is not")
    func tlsServers() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let probe = APIProbe(timeoutSeconds: 3)

        for (arguments, name) in [(["-Verify", "1"], "TLS 1.2/1.3, certificate required"), (["-Verify", "1", "-tls1_3"], "TLS 1.3 only, certificate required"),
                                  (["-Verify", "1", "-tls1_2"], "TLS 1.2 only, certificate required")] {
            let server = try ProbeServer.openssl(arguments, in: directory)
            let outcome = await probe.probe(host: "127.0.0.1", port: server.port)
            guard case .requiresClientCertificate = outcome else {
                Issue.record("\(name): \(outcome.description)")
                continue
            }
        }
        for (arguments, name) in [(["-www"], "no client certificate asked"), (["-www", "-verify", "1"], "a certificate asked, not required"),
                                  ([], "TLS that never answers HTTP")] {
            let server = try ProbeServer.openssl(arguments, in: directory)
            let outcome = await probe.probe(host: "127.0.0.1", port: server.port)
            if case .requiresClientCertificate = outcome { Issue.record("\(name): \(outcome.description)") }
        }
        let requiring = try ProbeServer.openssl(["-Verify", "1", "-tls1_2"], in: directory)
        #expect(TLSHandshakeProbe(timeoutSeconds: 3).probe(host: "127.0.0.1", port: requiring.port) == .certificateRequested)
        let plain = try ProbeServer.openssl(["-www"], in: directory)
        #expect(TLSHandshakeProbe(timeoutSeconds: 3).probe(host: "127.0.0.1", port: plain.port) == .certificateNotRequested)
    }

    // MARK: Target files

    @Test("A scan-api target file that names itself, or two that name each other, is an error naming the cycle")
    func targetFileCycles() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let selfNaming = directory.appendingPathComponent("self.txt").path
        try "127.0.0.1\n\(selfNaming)\n".write(toFile: selfNaming, atomically: true, encoding: .utf8)
        let first = directory.appendingPathComponent("a.txt").path, second = directory.appendingPathComponent("b.txt").path
        try "# hosts\n\(second)\n".write(toFile: first, atomically: true, encoding: .utf8)
        try "\(first)\n".write(toFile: second, atomically: true, encoding: .utf8)

        #expect(throws: APIScanner.TargetError.self) { try APIScanner.expand([selfNaming]) }
        do {
            _ = try APIScanner.expand([first])
            Issue.record("a cycle was expanded")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("a.txt") && text.contains("b.txt") && text.contains("names itself"), "\(text)")
        }
        // A chain deeper than the limit, without a cycle.
        var next = "127.0.0.1"
        for level in 0...APIScanner.maximumFileNesting {
            let file = directory.appendingPathComponent("level\(level).txt").path
            try "\(next)\n".write(toFile: file, atomically: true, encoding: .utf8)
            next = file
        }
        #expect(throws: APIScanner.TargetError.self) { try APIScanner.expand([next]) }

        let result = try runTool(["scan-api", first])
        #expect(result.status == 2, "\(result.status): \(result.stderr)")
        #expect(result.stderr.contains("names itself"))
    }

    @Test("Targets that expand past the address budget are refused before they are expanded")
    func targetBudget() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("many.txt").path
        try String(repeating: "10.0.0.0/16\n", count: 100_000).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: APIScanner.TargetError.self) { try APIScanner.expand([file]) }
    }

    // MARK: Output errors

    /// A snapshot file to judge with no engine.
    private func baseSnapshotFile(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("snapshot.json").path
        try SnapshotFile.encode(try RuleExample(expect: .pass).makeSnapshot()).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the built command with standard output on `output` (SIGPIPE ignored, as under some supervisors).
    private func runToolWriting(_ arguments: [String], to output: FileHandle) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"trap "" PIPE; exec "$0" "$@""#, TestEnvironment.binary] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: "", stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("A full standard output or a closed pipe is exit 3 with a message, in every format and every command")
    func outputFailures() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try baseSnapshotFile(in: directory)
        let dockerfile = directory.appendingPathComponent("Dockerfile").path
        try "FROM debian:12\nRUN apt-get update\n".write(toFile: dockerfile, atomically: true, encoding: .utf8)
        var commands: [[String]] = []
        for format in ["text", "json", "sarif", "junit", "html", "markdown"] {
            commands.append(["audit", "--snapshot", snapshot, "--format", format, "--fail-on", "none"])
            commands.append(["lint", dockerfile, "--format", format, "--fail-on", "none"])
        }
        commands += [["rules"], ["rules", "--format", "json"], ["rules", "--format", "markdown"], ["rules", "5.5"], ["--help"], ["--version"],
                     ["harden", "--snapshot", snapshot]]
        for command in commands {
            let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            let onFull = try runToolWriting(command, to: full)
            try full.close()
            #expect(onFull.status == 3, "\(command) > /dev/full: exit \(onFull.status), \(onFull.stderr)")
            #expect(onFull.stderr.contains("cannot write"), "\(command) > /dev/full: \(onFull.stderr)")

            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let closed = try runToolWriting(command, to: pipe.fileHandleForWriting)
            try pipe.fileHandleForWriting.close()
            #expect(closed.status == 3, "\(command) | (closed): exit \(closed.status), \(closed.stderr)")
            #expect(closed.stderr.contains("cannot write"), "\(command) | (closed): \(closed.stderr)")
        }
        for arguments in [["--output", "/dev/full"], ["--format", "json=/dev/full"], ["--format", "html", "-o", "/dev/full"]] {
            let result = try runToolWriting(["audit", "--snapshot", snapshot, "--fail-on", "none"] + arguments, to: FileHandle.nullDevice)
            #expect(result.status == 3, "\(arguments): exit \(result.status), \(result.stderr)")
            #expect(result.stderr.contains("cannot write /dev/full"), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: Snapshots

    @Test("A saved snapshot whose HostConfig is emptied, removed or nulled gives error results, never a pass, for every check that needs it",
          arguments: [#""HostConfig": {}"#, #""HostConfig": null"#, #""HostConfig": {"Privileged": null, "NetworkMode": null, "ReadonlyRootfs": null, "Memory": null}"#])
    func emptiedHostConfig(edit: String) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try baseSnapshotFile(in: directory)
        var snapshot = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var containers = try #require(snapshot["containers"] as? [[String: Any]])
        var inspect = try #require(containers[0]["inspect"] as? [String: Any])
        let replacement = try #require(try JSONSerialization.jsonObject(with: Data("{\(edit)}".utf8)) as? [String: Any])
        var hostConfig = inspect["HostConfig"] as? [String: Any] ?? [:]
        if let edited = replacement["HostConfig"] as? [String: Any], !edited.isEmpty {
            for (key, value) in edited { hostConfig[key] = value }  // NSNull stays: null fields
            inspect["HostConfig"] = hostConfig
        } else {
            inspect["HostConfig"] = replacement["HostConfig"]
        }
        containers[0]["inspect"] = inspect
        snapshot["containers"] = containers
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: path))

        let result = try runTool(["audit", "--snapshot", path, "--format", "json", "--fail-on", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try decodeReport(result.stdout)
        let needsRuntime = Set(RuleCatalog.runtimeChecks.filter { !$0.reads.isDisjoint(with: [.hostConfig, .ports]) }.map(\.metadata.id.rawValue))
        let judged = report.results.filter { $0.target.kind == "container" && needsRuntime.contains($0.rule) }
        #expect(judged.count == needsRuntime.count)
        for item in judged {
            #expect(item.status == "error", "\(item.rule): \(item.status) \(item.message)")
        }
        #expect(judged.contains { $0.message.contains("HostConfig") })
    }

    @Test("The snapshot shape is counted without decoding, strings and nesting notwithstanding")
    func snapshotShape() throws {
        let json = #"{"containers": [{"inspect": {"Id": "a]\"[,", "Config": {"Env": ["x=[1,2]"]}}}, {"inspect": {"Id": "b"}}, {}], "images": [], "networks": [[1, 2], [3]], "x": {"containers": [1, 2, 3]}}"#
        let budget = SnapshotBudget(json: Data(json.utf8))
        #expect(budget.shape == SnapshotBudget.Shape(containers: 3, images: 0))
    }

    @Test("A snapshot listing millions of tiny containers is refused before it is decoded, with a clear error")
    func snapshotBudget() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try baseSnapshotFile(in: directory)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // 300,000 containers of 20 bytes each: 6 MB of JSON that would need about 9 GiB once judged.
        let tiny = Array(repeating: #"{"inspect":{"Id":"c"}}"#, count: 300_000).joined(separator: ",")
        let marker = #""containers":["#
        let range = try #require(text.range(of: marker))
        text.replaceSubrange(range, with: marker + tiny + ",")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runTool(["audit", "--snapshot", path, "--format", "json"])
        #expect(result.status == 3, "\(result.status): \(result.stderr.prefix(400))")
        #expect(result.stderr.contains("300001 containers") && result.stderr.contains("the limit is"), "\(result.stderr.prefix(400))")
    }
}
