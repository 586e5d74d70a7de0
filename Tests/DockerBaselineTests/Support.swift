import DockerBaseline
import Foundation
import Testing

/// Where the tests find the engine, the fixtures and the built command.
enum TestEnvironment {
    static let socket = "/var/run/docker.sock"
    static let fixturePrefix = "dbt-"

    /// Tests against the engine need the fixtures `scripts/fixtures.sh up` makes; `scripts/test.sh` makes them.
    static func requireFixtures() throws {
        guard ProcessInfo.processInfo.environment["DOCKER_BASELINE_FIXTURES"] == "1" else {
            throw TestSetupError("engine fixtures are not set up: run the suite with scripts/test.sh")
        }
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["DOCKER_BASELINE_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/docker-baseline").path
    }

    /// One folder per test process, removed when the process exits, so a test that forgets its folder leaves nothing.
    static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbt-test-run-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("dbt-test-run-\(getpid())")) }
        return url
    }()

    static func temporaryDirectory() throws -> URL {
        let url = temporaryRoot.appendingPathComponent("dbt-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A fake host root in a temporary directory: `files` at host paths (without the leading slash), `modes` applied.
func makeFakeHost(_ files: [String: String], modes: [String: Int] = [:]) throws -> URL {
    let root = try TestEnvironment.temporaryDirectory()
    for (path, content) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
        if let mode = modes[path] { chmod(url.path, mode_t(mode)) }
    }
    return root
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The outcome of running a command to completion.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Still running at the deadline, and stopped (`status` is then the signal's).
    var timedOut = false
    /// The signal that ended it, if one did.
    var signal: Int32? = nil
    /// Its peak resident memory in bytes (`VmHWM`, sampled while it ran), for runs given a timeout; 0 otherwise.
    /// (wait4's `ru_maxrss` would count the test process itself: the child shares its memory until it execs.)
    var peakMemory = 0

    var summary: String { "status \(status) signal \(signal.map(String.init) ?? "-") timedOut \(timedOut) stderr \(stderr.prefix(500))" }
}

/// Runs `executable` with `arguments`, capturing its output. Output is read while it runs so a large report
/// cannot fill a pipe and stall the process.
/// With a `timeout`, a run past it is stopped (SIGTERM, then SIGKILL) and marked `timedOut`.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if var environment {
        // The run's own content cache (scripts/test.sh sets it), so no command a test runs writes the machine's.
        if environment["DOCKER_BASELINE_CACHE_DIR"] == nil, let cache = ProcessInfo.processInfo.environment["DOCKER_BASELINE_CACHE_DIR"] {
            environment["DOCKER_BASELINE_CACHE_DIR"] = cache
        }
        process.environment = environment
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    var peakMemory = 0
    var end = process.end(within: timeout ?? .infinity) { peakMemory = max(peakMemory, highWaterMark(of: process.processIdentifier)) }
    let timedOut = end == nil
    if timedOut {
        kill(process.processIdentifier, SIGKILL)
        end = process.end(within: .infinity)
    }
    group.wait()
    var status: Int32 = -1, signal: Int32?
    switch end {
    case .exited(let code): status = code
    case .signalled(let number): status = number; signal = number
    case nil: break
    }
    return CommandResult(status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                         timedOut: timedOut, signal: signal, peakMemory: peakMemory)
}

/// A process's peak resident memory so far, in bytes (`VmHWM` in /proc/PID/status); 0 when it cannot be read.
func highWaterMark(of pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kilobytes * 1024
}

/// Stops a process a test started: SIGTERM, SIGKILL when it is still there after `grace` seconds, and waits for it.
func stop(_ process: Process, grace: TimeInterval = 5) {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(grace)
    while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    // Not waitUntilExit, which waits forever on a zombie whose exit Foundation missed (Process.end).
    _ = process.end(within: 10)
}

/// The same for a daemon that forked away from the test (sshd), known only by its pid.
func stop(pid: pid_t, grace: TimeInterval = 5) {
    guard kill(pid, SIGTERM) == 0 else { return }
    let deadline = Date().addingTimeInterval(grace)
    while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    for _ in 0..<100 where kill(pid, 0) == 0 { Thread.sleep(forTimeInterval: 0.05) }
}

/// Runs the built `docker-baseline` with a clean environment (no DOCKER_HOST, no colour, English).
func runTool(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval? = nil) throws -> CommandResult {
    var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"]
    environment.merge(extra) { _, new in new }
    return try run(TestEnvironment.binary, arguments, environment: environment, timeout: timeout)
}

/// Blocking work (a command line, minutes of real packets) on a dispatch thread: the cooperative pool has two threads
/// on this machine, and a test that holds one starves every async test beside it (their timeouts then fire).
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
    }
}

/// `runTool` from async code, off the pool, so the fake engines in this process that answer the command can run.
func runToolAsync(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval? = nil) async throws -> CommandResult {
    try await offPool { try runTool(arguments, environment: environment, timeout: timeout) }
}

extension AuditReport {
    /// The one result of `rule` for the target named `name`.
    func result(_ rule: RuleID, _ name: String) -> Result? {
        results.first { $0.rule.id == rule && $0.target.name == name }
    }
}
