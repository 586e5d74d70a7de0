import ArgumentParser
import DockerBaseline
import Foundation

/// What `watch` writes each result as.
enum WatchFormat: String, CaseIterable, ExpressibleByArgument {
    case text, jsonl
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow the engine's events and judge every container, image and exec the moment it appears.",
        discussion: """
        Starts with a full audit (--no-initial-audit to skip it), then judges just the object each event names \
        (containers on create/start/update, images on pull/tag/load/import, execs on exec_create/exec_start, the \
        engine's networks and configuration on network and daemon events) with the same rules as `audit`, and reports \
        each failure once, as it appears (and once more as fixed when it is gone). Every exec and every finding is \
        kept in the journal, from which `audit` judges 5.23 and 5.24. A lost connection is retried with back-off and \
        the events missed are replayed. Stop with SIGINT or SIGTERM. Exit codes: 0 no failure at or above --fail-on \
        was reported; 1 one was; 2 usage error; 3 the engine could not be reached or an output not written.
        """)

    @OptionGroup var engine: EngineOptions

    @OptionGroup var judging: PolicyOptions

    @Option(help: "The journal of execs, findings and watched periods (default: /var/lib/docker-baseline/journal.sqlite as root, else $XDG_STATE_HOME/docker-baseline/journal.sqlite).")
    var journal: String?

    @Option(name: .customLong("journal-days"), help: "Keep journal entries this many days.")
    var journalDays = 90

    @Option(name: .customLong("journal-rows"), help: "Keep at most this many execs and findings in the journal.")
    var journalRows = 100_000

    @Flag(name: .customLong("initial-audit"), inversion: .prefixedNo, help: "Start with a full audit, reporting the failures already there.")
    var initialAudit = true

    @Option(help: "Output format: text or jsonl (JSON Lines: one result object per line, with the event that caused it). Default: text on a terminal, else jsonl.")
    var format: WatchFormat?

    @Option(name: [.short, .long], help: "Append the lines to this file instead of standard output (jsonl unless --format says otherwise).")
    var output: String?

    @Flag(help: "Also send each result to the local syslog (RFC 5424 over /dev/log).")
    var syslog = false

    @Option(name: .customLong("syslog-socket"), help: "The syslog socket for --syslog.")
    var syslogSocket = "/dev/log"

    @Option(help: "Language of the messages: en or zh (default: from LC_ALL / LC_MESSAGES / LANG).")
    var lang: Language?

    @Option(name: .customLong("fail-on"), help: "Exit 1 at the end when a failure of this severity or above was reported: none, info, low, medium, high, critical.")
    var failOn = FailThreshold(severity: .high)

    @Option(name: .customLong("queue-size"), help: "Events waiting to be judged at most; past it the engine's state is re-read instead.")
    var queueSize = 10_000

    func validate() throws {
        guard journalDays > 0 else { throw ValidationError("--journal-days must be at least 1") }
        guard journalRows > 0 else { throw ValidationError("--journal-rows must be at least 1") }
        guard queueSize >= 16 else { throw ValidationError("--queue-size must be at least 16") }
    }

    func run() async throws {
        var settings = WatchSettings(collect: engine.collectOptions, policy: try judging.policy())
        settings.advisories = try judging.advisoryTable()
        settings.collect.progress = nil
        settings.initialAudit = initialAudit
        settings.queueCapacity = queueSize
        settings.retention = ExecJournal.Retention(maxAge: Double(journalDays) * 86_400, maxRows: journalRows)

        let environment = ProcessInfo.processInfo.environment
        let language = lang ?? Language.fromEnvironment(environment)
        let sink = try WatchSink(format: format ?? ((output == nil && isatty(STDOUT_FILENO) == 1) ? .text : .jsonl), output: output,
                                 syslog: syslog ? try syslogSender() : nil, language: language,
                                 colour: output == nil && isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"].map(\.isEmpty) ?? true))
        let journalPath = journal ?? ExecJournal.defaultPath()
        let opened: ExecJournal
        do { opened = try ExecJournal(path: journalPath) } catch { throw CouldNotAudit(description: String(describing: error)) }
        let watcher = Watcher(settings: settings, journal: opened, emit: { try sink.write($0) },
                              log: { writeStandardError("docker-baseline: \(UntrustedText.shown($0))\n") })

        // SIGINT and SIGTERM stop the watch after the item being judged; the journal is then closed cleanly.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { watcher.stop() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        writeStandardError("docker-baseline: watching \(engine.host ?? "the engine"); journal \(journalPath)\n")
        let summary: WatchSummary
        do {
            summary = try await watcher.run()
        } catch let error as CouldNotAudit {
            try? opened.close()
            throw error
        } catch {
            try? opened.close()
            throw CouldNotAudit(description: String(describing: error))
        }
        do { try opened.close() } catch { throw CouldNotAudit(description: "cannot close the journal \(journalPath): \(error)") }
        writeStandardError("docker-baseline: stopped after \(summary.events) event(s), \(summary.emitted) result(s) reported"
                           + (summary.leftUnjudged > 0 ? ", \(summary.leftUnjudged) event(s) left for the next watch to replay" : "") + "\n")
        if let threshold = failOn.severity, let worst = summary.worstFailure, worst >= threshold { throw ExitCode(Exit.findings) }
    }

    private func syslogSender() throws -> SyslogSender {
        do { return try SyslogSender(path: syslogSocket) } catch { throw CouldNotAudit(description: String(describing: error)) }
    }
}

/// Where `watch`'s lines go: standard output or an appended file, and syslog. Written from the judging loop only.
final class WatchSink: @unchecked Sendable {
    let format: WatchFormat
    let output: String?
    let syslog: SyslogSender?
    let language: Language
    let colour: Bool
    private let descriptor: Int32?
    private let hostname = ProcessInfo.processInfo.hostName

    init(format: WatchFormat, output: String?, syslog: SyslogSender?, language: Language, colour: Bool) throws {
        self.format = format
        self.output = output
        self.syslog = syslog
        self.language = language
        self.colour = colour
        if let output, output != "-" {
            let descriptor = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw CouldNotAudit(description: "cannot write \(output): \(String(cString: strerror(errno)))") }
            self.descriptor = descriptor
        } else {
            descriptor = nil
        }
    }

    deinit { if let descriptor { close(descriptor) } }

    func write(_ emission: WatchEmission) throws {
        let json = try JSONReporterLine.make(emission, language: language)
        let line = (format == .jsonl ? json : WatchTextLine.make(emission, language: language, colour: colour)) + "\n"
        if let descriptor {
            let bytes = Array(line.utf8)
            // O_APPEND: one write per line, so lines from two writers never interleave.
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw CouldNotAudit(description: "cannot write \(output ?? ""): \(String(cString: strerror(errno)))") }
        } else {
            try writeStandardOutput(line)
        }
        if let syslog {
            do {
                try syslog.send(SyslogSender.frame(emission, line: json, hostname: hostname, pid: getpid(), at: Date()))
            } catch {
                writeStandardError("docker-baseline: \(error)\n")
            }
        }
    }
}
