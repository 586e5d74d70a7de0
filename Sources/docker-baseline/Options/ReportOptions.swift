import ArgumentParser
import DockerBaseline
import Foundation

extension Language: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// Where a report goes and what makes the command fail: shared by every command that judges something.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "Report format, repeatable: FORMAT or FORMAT=FILE, FORMAT one of text, json, sarif, junit, html, markdown (default text).")
    var formats: [FormatTarget] = []

    @Option(name: [.short, .long], help: "Write the one report without its own FILE here (atomically) instead of standard output.")
    var output: String?

    @Option(help: "Report language: en or zh (default: from LC_ALL / LC_MESSAGES / LANG).")
    var lang: Language?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a failure of this severity or above is found: none, info, low, medium, high, critical.")
    var failOn = FailThreshold(severity: .high)

    @Flag(help: "Show how to fix each failing rule (text format).")
    var remediation = false

    @Flag(name: [.short, .long], help: "Also list what passed (text format).")
    var verbose = false

    func validate() throws {
        if (formats.isEmpty ? 1 : formats.filter({ $0.path == nil }).count) > 1 {
            throw ValidationError("only one --format can go to standard output (or -o); give the others a file: --format json=report.json")
        }
    }

    /// Decides how the command ends: exit 3 when `couldNotAudit` says why nothing could be judged, exit 1 when a
    /// failure is at or above --fail-on or `failure` gives the command's own reason, else 0. Then writes the report,
    /// which states that reason, and ends so.
    /// `standardOutputTaken`: something else (an SBOM) goes to standard output, so only reports with a file are written.
    func finish(_ report: AuditReport, couldNotAudit: String? = nil, failure: LocalizedText? = nil, standardOutputTaken: Bool = false) throws {
        let reason: ExitReason
        if let couldNotAudit {
            reason = ExitReason(code: Exit.couldNotAudit, cause: .couldNotAudit(couldNotAudit))
        } else if let threshold = failOn.severity, case let failures = report.failures(atOrAbove: threshold), !failures.isEmpty {
            reason = ExitReason(code: Exit.findings, cause: .failures(failures, threshold: threshold))
        } else if let failure {
            reason = ExitReason(code: Exit.findings, cause: .command(failure))
        } else {
            reason = ExitReason(code: Exit.clean, cause: .clean(threshold: failOn.severity))
        }
        try emit(report, exit: reason, standardOutputTaken: standardOutputTaken)
        switch reason.cause {
        case let .couldNotAudit(description): throw CouldNotAudit(description: description)
        case let .command(text):
            writeStandardError("docker-baseline: \(UntrustedText.shown(text.en))\n")
            throw ExitCode(reason.code)
        case .failures: throw ExitCode(reason.code)
        case .clean: return
        }
    }

    /// Writes the report in every requested format: to its file, to -o, or to standard output.
    private func emit(_ report: AuditReport, exit: ExitReason, standardOutputTaken: Bool = false) throws {
        let environment = ProcessInfo.processInfo.environment
        let language = lang ?? Language.fromEnvironment(environment)
        for target in formats.isEmpty ? [FormatTarget(format: .text)] : formats where !(standardOutputTaken && target.path == nil) {
            let destination = target.path ?? output
            let colour = destination == nil && isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"].map(\.isEmpty) ?? true)
                && environment["TERM"] != "dumb"
            let text = TextReporter(language: language, colour: colour, verbose: verbose, showRemediation: remediation, exit: exit)
            try write(to: destination) { output in try target.format.write(report, language: language, text: text, to: output) }
        }
    }
}

/// Writes `data` to `path` atomically, saying so on standard error (with `note` after the name), or to standard
/// output for none or `-`; an unwritable file is exit 3.
func write(_ data: Data, to path: String?, note: String? = nil) throws {
    try write(to: path, note: note) { try $0(data) }
}

/// Writes what `produce` hands out, piece by piece, to `path` (through a temporary file renamed over it at the end)
/// and says so on standard error, or to standard output for none or `-`; an unwritable file is exit 3. Every file a
/// command writes is written here.
func write(to path: String?, note: String? = nil, _ produce: ((Data) throws -> Void) throws -> Void) throws {
    guard let path, path != "-" else {
        // A reader that went away (`| head`) or a full disk ends the report with exit 3; it is not a crash.
        try produce(writeStandardOutput)
        return
    }
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
    var info = stat()
    // A device, FIFO or terminal is written in place: renaming over it would replace it with a file.
    let inPlace = stat(target.path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
    let temporary = inPlace ? target : target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw CouldNotAudit(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
    do {
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        do {
            try produce { try handle.write(contentsOf: $0) }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        if !inPlace, rename(temporary.path, target.path) != 0 { throw CouldNotAudit(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
    } catch {
        if !inPlace { try? FileManager.default.removeItem(at: temporary) }
        if error is CouldNotAudit { throw error }
        throw CouldNotAudit(description: "cannot write \(path): \((error as NSError).localizedDescription)")
    }
    writeStandardError("docker-baseline: wrote \(path)\(note.map { ": \($0)" } ?? "")\n")
}

/// `json`, or `json=report.json`: a format and where it goes (standard output without a file).
struct FormatTarget: ExpressibleByArgument {
    var format: ReportFormat
    var path: String?

    init(format: ReportFormat, path: String? = nil) {
        self.format = format
        self.path = path
    }

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let format = ReportFormat(rawValue: parts[0]) else { return nil }
        self.init(format: format, path: parts.count == 2 ? parts[1] : nil)
    }

    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { path.map { "\(format.rawValue)=\($0)" } ?? format.rawValue }
}

/// `none`, or a severity: the lowest severity of a failure that makes the exit code 1.
struct FailThreshold: ExpressibleByArgument {
    var severity: Severity?

    init(severity: Severity?) { self.severity = severity }

    init?(argument: String) {
        if argument == "none" {
            self.init(severity: nil)
        } else if let severity = Severity(rawValue: argument) {
            self.init(severity: severity)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["none"] + Severity.allCases.map(\.rawValue) }
    var defaultValueDescription: String { severity?.rawValue ?? "none" }
}
