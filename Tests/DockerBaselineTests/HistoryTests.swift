import DockerBaseline
import Foundation
import GRDB
import Testing

/// An image imported from a busybox root filesystem and a container created from it (not started), both removed
/// by `remove()`.
struct TestContainer {
    let image: String
    let name: String

    init(in directory: URL, arguments: [String] = []) throws {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        image = "dbt/fleet-\(tag):1"
        name = "dbt-fleet-\(tag)"
        let root = directory.appendingPathComponent("rootfs-\(tag)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root.appendingPathComponent("bin/busybox").path)
        let imported = try run("/bin/sh", ["-c", "tar -C '\(root.path)' -c . | docker import - \(image)"])
        try? FileManager.default.removeItem(at: root)
        guard imported.status == 0 else { throw TestSetupError("docker import: \(imported.stderr)") }
        if !arguments.isEmpty { try create(arguments) }
    }

    func create(_ arguments: [String]) throws {
        let created = try run("/usr/bin/env", ["docker", "create", "--name", name] + arguments + [image, "/bin/busybox", "sleep", "60"])
        guard created.status == 0 else { throw TestSetupError("docker create: \(created.stderr)") }
    }

    func remove() {
        _ = try? run("/usr/bin/env", ["docker", "rm", "-f", name])
        _ = try? run("/usr/bin/env", ["docker", "rmi", "-f", image])
    }
}

/// A snapshot of the engine whose containers are a container of the test's own repeated `copies` times (new ids and
/// names): a run stores thousands of results, so a writer can be caught inside its transaction.
func enlargedSnapshot(in directory: URL, copies: Int) throws -> String {
    let container = try TestContainer(in: directory, arguments: ["--privileged", "--user", "0"])
    defer { container.remove() }
    let path = directory.appendingPathComponent("snapshot.json").path
    let collected = try runTool(["collect", "-o", path, "--image-contents", "none"], timeout: 300)
    guard collected.status == 0 else { throw TestSetupError("collect failed: \(collected.stderr)") }
    guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any],
          let containers = object["containers"] as? [[String: Any]] else { throw TestSetupError("the snapshot has no containers array") }
    // Only the test's own container is repeated (and the engine's others left out): what else runs on the engine
    // does not change the size of the test.
    let own = containers.filter { (($0["inspect"] as? [String: Any])?["Name"] as? String) == "/" + container.name }
    var many: [[String: Any]] = []
    for copy in 0..<copies {
        for var container in own {
            guard var inspect = container["inspect"] as? [String: Any], let id = inspect["Id"] as? String else { continue }
            inspect["Id"] = String(format: "%08x", copy) + id.dropFirst(8)
            inspect["Name"] = "/\((inspect["Name"] as? String ?? "/c").dropFirst())-copy\(copy)"
            container["inspect"] = inspect
            many.append(container)
        }
    }
    guard !many.isEmpty else { throw TestSetupError("the snapshot holds no container") }
    object["containers"] = many
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("History: WAL, kill -9, concurrent readers, diff", .serialized)
struct HistoryTests {
    @Test("A writer killed with SIGKILL mid-run leaves whole runs only; readers in other processes never fail")
    func survivesKillDuringWrite() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try enlargedSnapshot(in: directory, copies: 100)
        let database = directory.appendingPathComponent("history.sqlite").path
        let record = ["audit", "--snapshot", snapshot, "--record", "--history", database, "--format", "json", "-o", "/dev/null", "--fail-on", "none"]

        let first = try runTool(record, timeout: 300)
        #expect(first.status == 0, "\(first.stderr)")

        // Readers in other processes (`history --format json`) and in this one (GRDB) while writers are killed.
        let stopReading = ManagedFlag()
        async let readerFailures: [String] = Task.detached {
            var failures: [String] = []
            while !stopReading.isSet {
                let listed = try runTool(["history", "--history", database, "--format", "json", "--limit", "1000"], timeout: 60)
                if listed.status != 0 { failures.append("history: \(listed.stderr)") }
                do {
                    let store = try HistoryStore(path: database)
                    for run in try store.runs(limit: 1000) {
                        let stored = try store.results(ofRun: run.id).reduce(0) { $0 + $1.count }
                        if stored != run.total { failures.append("run \(run.id): \(stored) results stored of \(run.total)") }
                    }
                } catch { failures.append("reader: \(error)") }
            }
            return failures
        }.value

        // A connection of the test's own asks for the write lock without waiting: while it is refused, the writer is
        // inside its transaction, and that is when it is killed.
        var probeConfiguration = Configuration()
        probeConfiguration.busyMode = .immediateError
        let probe = try DatabaseQueue(path: database, configuration: probeConfiguration)
        var killedInWrite = 0, completed = 1
        // Every other writer is left to finish, so readers see the history grow between the killed ones.
        for attempt in 0..<10 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestEnvironment.binary)
            process.arguments = record
            process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Polled from a thread of its own: on the cooperative pool, busy with the other suites, the probe could
            // sleep through the whole write.
            let watchForWrite = attempt % 2 == 0
            let caught: Bool = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    var caught = false
                    while watchForWrite, process.isRunning {
                        do {
                            try probe.inTransaction(.immediate) { _ in .rollback }
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                            kill(process.processIdentifier, SIGKILL)
                            caught = true
                            break
                        } catch {
                            break
                        }
                        usleep(500)
                    }
                    process.waitUntilExit()
                    continuation.resume(returning: caught)
                }
            }
            if caught { killedInWrite += 1 }
            if process.terminationReason == .exit, process.terminationStatus == 0 { completed += 1 }
        }
        try probe.close()
        stopReading.set()
        let failures = try await readerFailures
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(killedInWrite > 0, "no writer was caught inside its transaction")

        let store = try HistoryStore(path: database)
        #expect(try store.integrityCheck() == "ok")
        let runs = try store.runs(limit: 1000)
        // Every run whose process finished is there; a killed one is there whole (killed after its commit) or not at all.
        // (A writer the probe did not catch in time finishes: it counts as completed.)
        #expect(completed >= 6, "\(completed) writers completed")
        #expect(runs.count >= completed && runs.count <= completed + killedInWrite, "\(runs.count) runs, \(completed) completed, \(killedInWrite) killed in the write")
        for run in runs {
            #expect(try store.results(ofRun: run.id).reduce(0) { $0 + $1.count } == run.total)
        }
        // And the database still takes runs.
        #expect(try runTool(record, timeout: 300).status == 0)
        #expect(try store.runs(limit: 1000).count == runs.count + 1)
    }

    @Test("diff across two recorded runs: a container added between them is new, nothing else changes")
    func diffWithContainerAdded() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let container = try TestContainer(in: directory)
        defer { container.remove() }
        let name = container.name
        let database = directory.appendingPathComponent("history.sqlite").path
        // Only this test's container: other work on the engine cannot change the diff.
        let audit = ["audit", "--record", "--history", database, "--include-target", name, "--image-contents", "none", "--fail-on", "none", "--format", "json"]
        let before = try runTool(audit, timeout: 300)
        #expect(before.status == 0, "\(before.stderr)")
        try container.create(["--privileged", "--user", "0"])
        let after = try runTool(audit, timeout: 300)
        #expect(after.status == 0, "\(after.stderr)")
        let report = try JSONDecoder().decode(ServedReport.self, from: Data(after.stdout.utf8))
        let failing = Set(report.results.filter { $0.status == "fail" && $0.target.name == name }.map(\.rule))
        #expect(failing.contains("container.privileged"))

        let diff = try runTool(["diff", "--history", database, "--format", "json"])
        #expect(diff.status == 0, "\(diff.stderr)")
        struct Document: Decodable {
            struct Item: Decodable {
                struct Target: Decodable { let kind: String; let name: String }
                let rule: String
                let target: Target
            }
            struct Run: Decodable { let id: Int }
            let from: Run, to: Run
            let new: [Item], fixed: [Item], unchanged: [Item]
        }
        let document = try JSONDecoder().decode(Document.self, from: Data(diff.stdout.utf8))
        #expect(document.from.id == 1 && document.to.id == 2)
        #expect(Set(document.new.map(\.rule)) == failing)
        #expect(document.new.allSatisfy { $0.target.name == name && $0.target.kind == "container" })
        #expect(document.fixed.isEmpty && document.unchanged.isEmpty)

        let text = try runTool(["diff", "1", "2", "--history", database])
        #expect(text.stdout.contains("\(failing.count) new, 0 fixed, 0 unchanged"))
        #expect(text.stdout.contains("container.privileged container \(name)"))
        // The reverse: what was added is now fixed.
        let reverse = try runTool(["diff", "2", "1", "--history", database, "--format", "json"])
        let reversed = try JSONDecoder().decode(Document.self, from: Data(reverse.stdout.utf8))
        #expect(Set(reversed.fixed.map(\.rule)) == failing && reversed.new.isEmpty)

        let history = try runTool(["history", "--history", database, "--format", "json"])
        let listed = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        let runs = listed?["runs"] as? [[String: Any]] ?? []
        #expect(runs.count == 2)
        #expect((runs.first?["counts"] as? [String: Int])?["fail"] == report.summary.fail)
        #expect(try runTool(["diff", "7", "--history", database]).status == 2)
    }

    @Test("Retention keeps the newest runs and removes findings no run refers to")
    func retention() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try enlargedSnapshot(in: directory, copies: 1)
        let database = directory.appendingPathComponent("history.sqlite").path
        for _ in 0..<4 {
            let result = try runTool(["audit", "--snapshot", snapshot, "--record", "--history", database, "--keep-runs", "2",
                                      "--format", "json", "-o", "/dev/null", "--fail-on", "none"], timeout: 300)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let store = try HistoryStore(path: database)
        #expect(try store.runs().map(\.id) == [4, 3])
        var info = stat()
        #expect(stat(database, &info) == 0 && info.st_mode & 0o077 == 0)
    }
}

/// A flag set from one task and read from another.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
