import DockerBaseline
import Foundation

/// `serve --watch`: follows the engine's events through `Watcher` (the same judging as `watch`, execs kept in the
/// journal) and asks for an audit whenever it would report something, so /metrics does not wait for the interval.
/// An engine that cannot be reached when the watch starts is tried again every 10 s; once connected, the watcher
/// reconnects and replays by itself.
final class EventTrigger: @unchecked Sendable {
    private let settings: WatchSettings
    private let journalPath: String
    private let state: ServeState
    private let lock = NSLock()
    private var current: Watcher?
    private var stopped = false

    init(settings: WatchSettings, journal: String, state: ServeState) {
        self.settings = settings
        self.journalPath = journal
        self.state = state
    }

    func run() async {
        while !isStopped {
            do {
                let journal = try ExecJournal(path: journalPath)
                let state = self.state
                let watcher = Watcher(settings: settings, journal: journal, emit: { _ in Task { await state.requestAudit() } },
                                      log: { writeStandardError("docker-baseline: serve: watch: \(UntrustedText.shown($0))\n") })
                guard started(watcher) else {
                    try? journal.close()
                    return
                }
                defer { try? journal.close() }
                _ = try await watcher.run()
                return
            } catch {
                writeStandardError("docker-baseline: serve: watch: \(UntrustedText.shown(String(describing: error))); trying again in 10 s\n")
                try? await Task.sleep(for: .seconds(10))
            }
        }
    }

    /// Stops the watch after the event being judged; the journal is closed consistent.
    func stop() {
        lock.withLock {
            stopped = true
            current?.stop()
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Makes `watcher` the one `stop` reaches; false when serve is already stopping.
    private func started(_ watcher: Watcher) -> Bool {
        lock.withLock {
            guard !stopped else { return false }
            current = watcher
            return true
        }
    }
}
