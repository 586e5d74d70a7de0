import DockerBaseline
import Foundation

/// Progress on standard error while a collection runs longer than a second: on a terminal only, never in a pipe or a
/// CI log. One line, redrawn at most ten times a second, cleared before the report is written.
final class TerminalProgress: @unchecked Sendable {
    /// nil when standard error is no terminal, or in CI, or on a dumb terminal.
    static let shared: TerminalProgress? = {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDERR_FILENO) == 1, environment["CI"] == nil, environment["TERM"] != "dumb" else { return nil }
        // How long a collection runs before progress shows: 1 s, unless DOCKER_BASELINE_PROGRESS_DELAY says (tests).
        let delay = environment["DOCKER_BASELINE_PROGRESS_DELAY"].flatMap(Double.init) ?? 1
        return TerminalProgress(language: Language.fromEnvironment(environment), delay: delay)
    }()

    private let language: Language
    private let delay: TimeInterval
    private let started = Date()
    private let lock = NSLock()
    private var drawn: Date?

    private init(language: Language, delay: TimeInterval) {
        self.language = language
        self.delay = delay
    }

    func report(_ stage: CollectionStage, _ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(started) >= delay, done == total || now.timeIntervalSince(drawn ?? .distantPast) >= 0.1 else { return }
        drawn = now
        writeStandardError("\r\u{1B}[2Kdocker-baseline: \(stage.description[language]) \(done)/\(total)")
    }

    /// Clears the line, if one was drawn.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn != nil { writeStandardError("\r\u{1B}[2K") }
        drawn = nil
    }
}
