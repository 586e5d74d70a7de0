import ArgumentParser
import DockerBaseline
import Foundation

extension BuildFileKind: ExpressibleByArgument {}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check Dockerfiles and Compose files against the baseline before anything is built or run.",
        discussion: """
        PATH is a file, a directory (searched recursively for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, \
        compose.y(a)ml and docker-compose*.y(a)ml, honouring .gitignore) or - for standard input (with --kind). \
        Suppress a finding in the file with `# docker-baseline ignore=RULE reason` before the instruction or on the \
        YAML line (`ignore-stage=`, `ignore-file=` for wider scopes); a reason is required. \
        Exit codes: 0 no failure at or above --fail-on; 1 failures at or above it, or a file that could not be read \
        while others were; 2 usage error or nothing to lint; 3 no file could be read at all.
        """)

    @Argument(help: "Files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "What the files given (and standard input) are, when their names do not say: dockerfile or compose.")
    var kind: BuildFileKind?

    @Option(name: .customLong("exclude-path"), help: "Skip paths matching this .gitignore-style pattern (repeatable).")
    var excludePaths: [String] = []

    @Option(help: "Only these rules (rule id, CIS id or glob; CIS ids of another numbering than the one shown are prefixed, e.g. cis-ce:5.4; repeatable).")
    var include: [String] = []

    @Option(help: "Not these rules (rule id, CIS id or glob; CIS ids of another numbering than the one shown are prefixed, e.g. cis-ce:5.4; repeatable).")
    var exclude: [String] = []

    @Option(help: "Policy file with waivers (with expiry dates) and `settings:` / `lint:` sections (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Option(name: .customLong("allowed-registry"), help: "A registry base images may come from (repeatable, globs allowed); without one, dockerfile.base-registry is skipped.")
    var allowedRegistries: [String] = []

    @Flag(name: .customLong("require-digest"), help: "Base images must be pinned by digest (FROM image:tag@sha256:…).")
    var requireDigest = false

    @Flag(name: .customLong("no-inline-ignores"), help: "Ignore `# docker-baseline ignore=…` comments (for CI that must see everything).")
    var noInlineIgnores = false

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or directory (or - for standard input)") }
        if paths.contains("-"), kind == nil { throw ValidationError("reading standard input (-) needs --kind dockerfile or --kind compose") }
    }

    func run() throws {
        var policy = try loadPolicy(config)
        if !include.isEmpty { policy.include = try selectors(include, flag: "--include") }
        if !exclude.isEmpty { policy.exclude = try selectors(exclude, flag: "--exclude") }
        if !allowedRegistries.isEmpty { policy.settings.allowedRegistries = allowedRegistries }
        if requireDigest { policy.settings.requireDigest = true }
        if noInlineIgnores { policy.settings.inlineIgnores = false }
        // A path that is not there is a mistake in the command, not a file that could not be read.
        for path in paths where path != "-" {
            var info = stat()
            if lstat(path, &info) != 0 {
                throw UsageProblem(description: "cannot lint \(path): \(String(cString: strerror(errno)))")
            }
        }
        let candidates = BuildFileCollector.find(paths, exclude: policy.lintExcludePaths + excludePaths, kind: kind)
        guard !candidates.isEmpty else {
            throw UsageProblem(description: "no Dockerfile or Compose file found in \(paths.joined(separator: " "))")
        }
        let input = paths.contains("-") ? readStandardInput(limit: BuildFileCollector.sizeLimit) : nil
        let files = BuildFileCollector.load(candidates, standardInput: input)
        let unread = files.filter { if case .unreadable = $0 { true } else { false } }.map(\.path)
        let report = Linter.lint(files, settings: policy.settings, reporting: policy.reported)
        try reporting.finish(policy.apply(to: report, rules: RuleCatalog.lintMetadata),
                             couldNotAudit: unread.count == files.count ? "no file could be read: \(unread.joined(separator: ", "))" : nil,
                             failure: unread.isEmpty ? nil : LocalizedText(en: "\(unread.count) file(s) could not be read: \(unread.joined(separator: ", "))",
                                                                            zh: "\(unread.count) 个文件无法读取：\(unread.joined(separator: "、"))"))
    }

    /// Standard input, at most `limit` bytes (more is refused by the file's own lint error, not read into memory).
    func readStandardInput(limit: Int) -> Data {
        var data = Data()
        while data.count <= limit {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        return data
    }
}
