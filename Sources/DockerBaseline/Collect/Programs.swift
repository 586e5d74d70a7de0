import Foundation

/// How a child process ended.
public enum ProcessEnd: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
}

extension Process {
    /// Waits up to `timeout` seconds for the process to end; nil while it still runs. Foundation on Linux now and then
    /// misses a child's exit (seen with podman, which re-executes itself and leaves daemons behind): it then reports
    /// the process running and `waitUntilExit` waits forever on the zombie. A child that has been a zombie for three
    /// seconds without Foundation reaping it is reaped here instead. `whileWaiting` runs every 20 ms until then.
    public func end(within timeout: TimeInterval, whileWaiting: () -> Void = {}) -> ProcessEnd? {
        let deadline = Date().addingTimeInterval(timeout)
        var zombieSince: Date?, goneSince: Date?
        while true {
            if !isRunning { return terminationReason == .exit ? .exited(terminationStatus) : .signalled(terminationStatus) }
            if kill(processIdentifier, 0) != 0, errno == ESRCH {
                // Reaped: by Foundation, which says so on its own thread a moment later; or, when that never comes, by
                // an earlier call here after a kill (the only way to get here), whose status was not kept.
                let since = goneSince ?? Date()
                goneSince = since
                if Date().timeIntervalSince(since) > 2 { return .signalled(SIGKILL) }
            }
            if Self.isZombie(processIdentifier) {
                let since = zombieSince ?? Date()
                zombieSince = since
                var status: Int32 = 0
                if Date().timeIntervalSince(since) > 3, waitpid(processIdentifier, &status, WNOHANG) == processIdentifier {
                    // WIFSIGNALED / WTERMSIG / WEXITSTATUS by hand: the C macros are not imported.
                    let signal = status & 0x7f
                    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
                }
            }
            if Date() >= deadline { return nil }
            whileWaiting()
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// `Z` in /proc/PID/stat's state field (after the parenthesised command name, which may hold spaces).
    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[close...].dropFirst().drop { $0 == " " }.first == "Z"
    }
}

struct ProgramFailure: Error {
    var reason: String
}

/// Runs `program` with `arguments` (and `input` on its standard input) and returns what it printed; its standard
/// error becomes the failure's reason.
/// Output past `limit` bytes is a failure, so a runaway program cannot exhaust memory, and so is a run longer
/// than `timeout` seconds (the program is killed).
func runProgram(_ program: String, _ arguments: [String], input: String? = nil, limit: Int = 256 << 20,
                timeout: TimeInterval = 30) -> Swift.Result<String, ProgramFailure> {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe(), errorPipe = Pipe()
    process.standardOutput = output
    process.standardError = errorPipe
    let inputPipe = input.map { _ in Pipe() }
    process.standardInput = inputPipe ?? FileHandle.nullDevice
    do { try process.run() } catch { return .failure(ProgramFailure(reason: "\(program) could not run: \(error.localizedDescription)")) }
    if let input, let inputPipe {
        // Written beside the reading below: a program that answers before it has read everything cannot block us.
        Thread {
            try? inputPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }.start()
    }
    let pid = process.processIdentifier
    let deadline = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
    // Standard error is drained beside standard output: a program that fills one pipe while the other is read
    // would otherwise wait forever.
    let errors = PipeDrain(errorPipe.fileHandleForReading)
    var data = Data()
    while let chunk = try? output.fileHandleForReading.read(upToCount: 1 << 20), !chunk.isEmpty {
        data.append(chunk)
        if data.count > limit {
            kill(pid, SIGKILL)
            break
        }
    }
    // Its output is closed: it has ended or is about to (the deadline kills it, the bound is a backstop).
    let end = process.end(within: timeout + 10)
    deadline.cancel()
    let name = ([program] + arguments).joined(separator: " ")
    guard let end else {
        kill(pid, SIGKILL)
        return .failure(ProgramFailure(reason: "\(name) did not end \(Int(timeout)) s after closing its output"))
    }
    let errorData = errors.wait()
    if data.count > limit { return .failure(ProgramFailure(reason: "\(name) printed more than \(limit >> 20) MiB")) }
    switch end {
    case .signalled(let signal):
        return .failure(ProgramFailure(reason: "\(name) was stopped (signal \(signal)) after \(Int(timeout)) s or by the system"))
    case .exited(let status) where status != 0:
        let message = String(decoding: errorData.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .failure(ProgramFailure(reason: "\(name) failed (exit \(status))\(message.isEmpty ? "" : ": \(message)")"))
    case .exited:
        break
    }
    return .success(String(decoding: data, as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
