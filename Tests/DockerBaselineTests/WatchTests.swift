import DockerBaseline
import Foundation
import GRDB
import NIOCore
import Testing

/// `docker-baseline watch` run as a process, its lines appended to a file and its messages to another.
final class WatchRun {
    let process = Process()
    let output: URL
    let messages: URL

    init(_ arguments: [String], in directory: URL, name: String = "watch") throws {
        output = directory.appendingPathComponent("\(name).jsonl")
        messages = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: messages.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: TestEnvironment.binary)
        process.arguments = ["watch", "-o", output.path] + arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: messages)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOf: messages, encoding: .utf8)) ?? "" }

    /// The JSON lines written so far, decoded.
    var lines: [[String: Any]] {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Waits (on this thread; call from a dispatch thread or sync test) until `condition` holds or `seconds` pass.
    func wait(_ seconds: TimeInterval, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }

    func waitUntilFollowing() throws {
        guard wait(120, until: { log.contains("following the engine's events") }) else {
            stopWatch()
            throw TestSetupError("watch did not start: \(log)")
        }
    }

    /// SIGTERM, as a service manager stops it; its exit status.
    @discardableResult
    func stopWatch() -> Int32 {
        stop(process, grace: 20)
        return process.terminationStatus
    }
}

extension [String: Any] {
    var rule: String { self["rule"] as? String ?? "" }
    var status: String { self["status"] as? String ?? "" }
    var targetName: String { (self["target"] as? [String: Any])?["name"] as? String ?? "" }
    var eventAction: String { (self["event"] as? [String: Any])?["action"] as? String ?? "" }
}

/// A busybox image with a passwd file (root and app, uid 1000), imported into the engine at `host`.
func importWatchImage(_ reference: String, host: String? = nil) throws {
    let root = try TestEnvironment.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root.appendingPathComponent("bin/busybox").path)
    for tool in ["sh", "sleep", "id", "true"] {
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("bin/\(tool)").path, withDestinationPath: "busybox")
    }
    try "root:x:0:0:root:/:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n".write(to: root.appendingPathComponent("etc/passwd"), atomically: true, encoding: .utf8)
    try "root:x:0:\napp:x:1000:\n".write(to: root.appendingPathComponent("etc/group"), atomically: true, encoding: .utf8)
    let hostArgument = host.map { "-H \($0) " } ?? ""
    let result = try run("/bin/sh", ["-c", "tar -C \(root.path) -c . | docker \(hostArgument)import - \(reference)"])
    guard result.status == 0 else { throw TestSetupError("docker import failed: \(result.stderr)") }
}

@discardableResult
func docker(_ arguments: [String], host: String? = nil) throws -> CommandResult {
    try run("/usr/bin/env", ["docker"] + (host.map { ["-H", $0] } ?? []) + arguments)
}

@Suite("watch: live events judged by the audit's rules", .serialized)
struct WatchTests {
    let tag = String(UUID().uuidString.prefix(6)).lowercased()

    @Test("A privileged container, a socket mount, exec -u root, -u 1000 and --privileged: exactly the expected lines, in the file, the journal and syslog; audit then judges 5.23/5.24 from the journal")
    func liveEngine() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = "dbt/watch-\(tag):1"
        try importWatchImage(image)
        let names = ["priv", "sock", "app"].map { "dbt-watch-\(tag)-\($0)" }
        defer {
            _ = try? docker(["rm", "-f"] + names)
            _ = try? docker(["rmi", image])
        }
        let journal = directory.appendingPathComponent("journal.sqlite").path
        let syslogPath = directory.appendingPathComponent("log.sock").path
        let syslog = try DatagramServer(path: syslogPath)
        let watch = try WatchRun(["--no-initial-audit", "--label", "dbt.watch=\(tag)", "--include", "container.privileged", "--include",
                                  "container.docker-socket", "--include", "5.23", "--include", "5.24", "--journal", journal,
                                  "--syslog", "--syslog-socket", syslogPath], in: directory)
        defer { watch.stopWatch() }
        try watch.waitUntilFollowing()

        let label = ["--label", "dbt.watch=\(tag)"]
        try #require(docker(["create", "--privileged", "--name", names[0]] + label + [image, "sleep", "600"]).status == 0)
        try #require(docker(["create", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--name", names[1]] + label + [image, "sleep", "600"]).status == 0)
        // Started, the socket container is judged again: unchanged, it is not reported twice.
        try #require(docker(["start", names[1]]).status == 0)
        try #require(docker(["run", "-d", "--user", "1000", "--name", names[2]] + label + [image, "sleep", "600"]).status == 0)
        let asRoot = try docker(["exec", "-u", "root", names[2], "id", "-u"])
        #expect(asRoot.stdout == "0\n", "\(asRoot.stderr)")
        #expect(try docker(["exec", "-u", "1000", names[2], "id", "-u"]).stdout == "1000\n")
        // Refused by the runtime here (no CAP_SYS_RESOURCE to grant), but created: the engine reports it.
        _ = try docker(["exec", "--privileged", names[2], "id", "-u"])

        #expect(watch.wait(30) { watch.lines.count >= 4 }, "\(watch.lines.map(\.rule)) \(watch.log)")
        Thread.sleep(forTimeInterval: 2)
        let status = watch.stopWatch()
        let lines = watch.lines
        let seen = lines.map { "\($0.rule) \($0.status) \($0.targetName) \($0.eventAction.prefix { $0 != ":" })" }.sorted()
        #expect(seen == [
            "container.docker-socket fail \(names[1]) create",
            "container.exec-privileged fail \(names[2]) exec_create",
            "container.exec-root fail \(names[2]) exec_create",
            "container.privileged fail \(names[0]) create",
        ].sorted(), "\(watch.log)")
        #expect(status == 1, "a critical failure was reported: exit 1 at the default --fail-on high; \(watch.log)")
        // Each line is the JSON report's result object (docs/report.schema.json), with its event.
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/report.schema.json").path
        let check = try run("/usr/bin/python3", ["-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            result = dict(schema["$defs"]["result"], **{"$defs": schema["$defs"]})
            for line in open(sys.argv[2]):
                jsonschema.validate(json.loads(line), result)
            """, schema, watch.output.path])
        #expect(check.status == 0, "\(check.stderr.suffix(600))")
        let execLine = try #require(lines.first { $0.rule == "container.exec-root" })
        #expect((execLine["evidence"] as? [String: String])?["commands"] == "id -u")
        #expect((execLine["event"] as? [String: Any])?["timeNano"] is Int)

        // The same four, as RFC 5424 frames: <PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG.
        let frames = syslog.received()
        #expect(frames.count == 4)
        let pattern = #/^<(\d+)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ docker-baseline (\d+) (\S+) - (\{.*\})$/#
        for frame in frames {
            let match = try #require(frame.wholeMatch(of: pattern), "\(frame)")
            #expect(Int32(match.2) == watch.process.processIdentifier)
            let line = try #require(try JSONSerialization.jsonObject(with: Data(match.4.utf8)) as? [String: Any])
            #expect(line.rule == String(match.3))
            let expected = ["container.privileged": 26, "container.docker-socket": 26, "container.exec-privileged": 27, "container.exec-root": 28]
            #expect(Int(match.1) == expected[line.rule], "daemon facility, severity from the finding's: \(frame)")
        }

        // The journal: three execs (the refused one too), four findings, one period closed cleanly. Every exec on the
        // engine is journaled; other tests may exec meanwhile, so only this test's container is looked at.
        let execs = try DatabaseQueue(path: journal).read { db in
            try Row.fetchAll(db, sql: "SELECT user, privileged, command FROM exec WHERE containerName = ? ORDER BY time", arguments: [names[2]]).map { row -> String in
                let user: String = row["user"], privileged: Bool = row["privileged"], command: String = row["command"]
                return "\(user) \(privileged) \(command)"
            }
        }
        // Without -u the engine reports the container's own user as the exec's.
        #expect(execs == ["root false id -u", "1000 false id -u", "1000 true id -u"])
        #expect(try sqlValue(journal, "SELECT count(*) FROM finding", as: Int.self) == 4)
        #expect(try sqlValue(journal, "SELECT stoppedCleanly FROM period", as: Bool.self) == true)
        #expect(try sqlValue(journal, "PRAGMA journal_mode", as: String.self) == "wal")

        let audit = try runTool(["audit", "--journal", journal, "--include", "5.23", "--include", "5.24", "--format", "json", "--fail-on", "none"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any], "\(audit.stderr)")
        let results = (report["results"] as? [[String: Any]]) ?? []
        let privileged = results.filter { $0.rule == "container.exec-privileged" }
        let root = results.filter { $0.rule == "container.exec-root" }
        #expect(privileged.map(\.status) == ["fail"] && privileged.first?.targetName == names[2], "\(privileged)")
        #expect(root.map(\.status) == ["fail"] && (root.first?["message"] as? String)?.contains("id -u (user root") == true, "\(root)")
    }

    @Test("The engine restarted mid-watch, containers created while it came back: every one reported once, none missed, none doubled")
    func engineRestart() throws {
        let daemon = try SecondDaemon(settings: [:])
        defer { daemon.stop() }
        try daemon.start()
        let host = "unix://\(daemon.socket)"
        let image = "dbt/watch-\(tag):1"
        try importWatchImage(image, host: host)
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // One there before the watch: reported by the initial audit.
        try #require(docker(["create", "--privileged", "--name", "before", image, "sleep", "600"], host: host).status == 0)
        let watch = try WatchRun(["--host", host, "--include", "container.privileged", "--journal", directory.appendingPathComponent("j.sqlite").path,
                                  "--fail-on", "none"], in: directory)
        defer { watch.stopWatch() }
        try watch.waitUntilFollowing()
        for name in ["a1", "a2", "a3"] {
            try #require(docker(["create", "--privileged", "--name", name, image, "sleep", "600"], host: host).status == 0)
        }
        #expect(watch.wait(30) { watch.lines.count >= 4 }, "\(watch.log)")
        try daemon.restart()
        // Created as soon as the engine answers again, while the watch is still backing off.
        for name in ["b1", "b2", "b3"] {
            try #require(docker(["create", "--privileged", "--name", name, image, "sleep", "600"], host: host).status == 0)
        }
        #expect(watch.wait(60) { watch.lines.count >= 7 }, "\(watch.log)")
        Thread.sleep(forTimeInterval: 3)
        try #require(docker(["create", "--privileged", "--name", "c1", image, "sleep", "600"], host: host).status == 0)
        #expect(watch.wait(30) { watch.lines.count >= 8 }, "\(watch.log)")
        Thread.sleep(forTimeInterval: 2)
        #expect(watch.stopWatch() == 0)
        let names = watch.lines.filter { $0.rule == "container.privileged" }.map(\.targetName).sorted()
        #expect(names == ["a1", "a2", "a3", "b1", "b2", "b3", "before", "c1"], "\(watch.log)")
        #expect(watch.log.contains("reconnected to the engine"), "\(watch.log)")
        #expect(watch.lines.first { $0.targetName == "before" }?.eventAction == "initial")
    }

    @Test("SIGTERM during a burst leaves a consistent journal; the next watch replays what was left, so none is lost or doubled")
    func stopDuringBurst() throws {
        let daemon = try SecondDaemon(settings: [:])
        defer { daemon.stop() }
        try daemon.start()
        let host = "unix://\(daemon.socket)"
        let image = "dbt/watch-\(tag):1"
        try importWatchImage(image, host: host)
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = directory.appendingPathComponent("j.sqlite").path
        let arguments = ["--host", host, "--no-initial-audit", "--include", "container.privileged", "--journal", journal, "--fail-on", "none"]
        let first = try WatchRun(arguments, in: directory, name: "first")
        defer { first.stopWatch() }
        try first.waitUntilFollowing()
        let count = 60
        let burst = Process()
        burst.executableURL = URL(fileURLWithPath: "/bin/sh")
        burst.arguments = ["-c", "for i in $(seq \(count)); do docker -H \(host) create --privileged --name burst$i \(image) sleep 600 >/dev/null; done"]
        try burst.run()
        defer { stop(burst) }
        #expect(first.wait(60) { first.lines.count >= 15 })
        #expect(first.stopWatch() == 0, "\(first.log)")
        #expect(try sqlValue(journal, "PRAGMA integrity_check", as: String.self) == "ok")
        #expect(try sqlValue(journal, "SELECT count(*) FROM finding", as: Int.self) == first.lines.count, "every line emitted is in the journal, and only those")
        #expect(try sqlValue(journal, "SELECT stoppedCleanly FROM period", as: Bool.self) == true)
        #expect(try sqlValue(journal, "SELECT lastEventNano FROM period", as: Int64.self) != nil)
        burst.waitUntilExit()
        let second = try WatchRun(arguments, in: directory, name: "second")
        defer { second.stopWatch() }
        try second.waitUntilFollowing()
        #expect(second.wait(60) { first.lines.count + second.lines.count >= count }, "\(second.log)")
        Thread.sleep(forTimeInterval: 2)
        second.stopWatch()
        let names = (first.lines + second.lines).map(\.targetName)
        #expect(names.count == count && Set(names) == Set((1...count).map { "burst\($0)" }), "\(names.count) lines: \(names.sorted())")
    }
}

/// A unix datagram socket standing in for /dev/log: keeps what it receives.
final class DatagramServer: @unchecked Sendable {
    private let descriptor: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestSetupError("cannot bind \(path): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Every datagram waiting.
    func received() -> [String] {
        var frames: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            frames.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return frames
    }
}

@Suite("watch: the stream's cursor, queue and ledger")
struct WatchPiecesTests {
    private func event(_ nano: Int64, _ id: String, _ action: String = "create") -> EngineEvent {
        EngineEvent(type: "container", action: action, actor: .init(id: id, attributes: [:]), time: nano / 1_000_000_000, timeNano: nano)
    }

    @Test("The cursor drops what it saw, takes events that arrive slightly out of time order, and replays from a window back")
    func cursor() {
        var cursor = EventCursor()
        let taken = [
            cursor.accept(event(1_796_000_005_000_000_100, "a")),
            cursor.accept(event(1_796_000_005_000_000_100, "b")),  // another event of the same nanosecond
            cursor.accept(event(1_796_000_004_999_000_000, "c")),  // stamped earlier, published later by a concurrent request
            cursor.accept(event(1_796_000_005_000_000_100, "a")),
            cursor.accept(event(1_796_000_004_999_000_000, "c")),
            cursor.accept(event(1_796_000_002_000_000_000, "old")),  // older than the window: replayed, already judged
        ]
        #expect(taken == [true, true, true, false, false, false])
        #expect(cursor.since == "1796000003.000000100")
        #expect(cursor.window.count == 3)
        // A later watch resumes from the saved window: the replay repeats none of it.
        var resumed = EventCursor(lastNano: cursor.lastNano, recent: cursor.window)
        let replayed = [resumed.accept(event(1_796_000_004_999_000_000, "c")), resumed.accept(event(1_796_000_004_999_000_001, "d"))]
        #expect(replayed == [false, true])
    }

    @Test("Lines split across pieces decode; a line that is not JSON is kept aside, not fatal")
    func lines() {
        var decoder = EventLineDecoder()
        let text = #"{"Type":"container","Action":"exec_create: sh -c id","Actor":{"ID":"c1","Attributes":{"execID":"e1"}},"time":1,"timeNano":1000000001}"#
        let whole = Array((text + "\nnot json\n" + text).utf8)
        var events = decoder.feed(ByteBuffer(bytes: whole[0..<50]))
        events += decoder.feed(ByteBuffer(bytes: whole[50...]))
        events += decoder.feed(ByteBuffer(string: "\n"))
        #expect(events.map(\.verb) == ["exec_create", "exec_create"] && events[0].actor.attributes["execID"] == "e1")
        #expect(decoder.malformed == ["not json"])
    }

    @Test("Past its capacity the queue drops events and says once from when, after the ones it kept")
    func overflow() async {
        let queue = WatchQueue(capacity: 2)
        for nano in 1...4 { queue.push(.event(event(Int64(nano), "x\(nano)"))) }
        var seen: [String] = []
        for _ in 0..<3 {
            switch await queue.next() {
            case let .event(event): seen.append("event \(event.timeNano)")
            case let .overflow(since): seen.append("overflow \(since)")
            default: seen.append("other")
            }
        }
        #expect(seen == ["event 1", "event 2", "overflow 3"])
        queue.push(.stop)
        if case .stop = await queue.next() {} else { Issue.record("stop expected") }
    }
}
