import ArgumentParser
import DockerBaseline
import Foundation

/// Exit codes, documented in README.md.
enum Exit {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let couldNotAudit: Int32 = 3
}

struct CouldNotAudit: Error, CustomStringConvertible {
    let description: String
}

/// A mistake in what the user asked for (a bad configuration file, conflicting outputs): exit 2.
struct UsageProblem: Error, CustomStringConvertible {
    let description: String
}

struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .long], help: "Engine address: unix:///path/docker.sock or tcp://HOST:PORT (default: --context, $DOCKER_HOST, $DOCKER_CONTEXT, the current context, /var/run/docker.sock).")
    var host: String?

    @Option(name: [.customShort("c"), .long], help: "Docker context to use (~/.docker/contexts), as `docker --context`.")
    var context: String?

    @Flag(help: "Use TLS to a tcp:// engine without verifying it.")
    var tls = false

    @Flag(help: "Use TLS and verify the engine with --tlscacert (also: DOCKER_TLS_VERIFY).")
    var tlsverify = false

    @Option(help: "CA certificate for --tlsverify (default: $DOCKER_CERT_PATH/ca.pem).")
    var tlscacert: String?

    @Option(help: "Client certificate (default: $DOCKER_CERT_PATH/cert.pem).")
    var tlscert: String?

    @Option(help: "Client key (default: $DOCKER_CERT_PATH/key.pem).")
    var tlskey: String?

    @Option(help: "Seconds to wait for each engine answer.")
    var timeout: Int = 30

    @Option(help: "Engine requests in flight at once.")
    var concurrency: Int = 6

    @Option(help: "Where the host's filesystem is mounted, for host facts (e.g. /host when run in a container).")
    var root: String = "/"

    @Option(help: "Where running containers' process lists come from: auto (this host's /proc where it can vouch for a container, else the engine's top) or engine (always the engine's top; slower).")
    var processes: ProcessSource = .auto

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    var collectOptions: CollectOptions {
        var endpoint = EngineEndpoint.Request()
        endpoint.host = host
        endpoint.context = context
        endpoint.tls = tls
        endpoint.tlsVerify = tlsverify
        endpoint.tlsCACert = tlscacert
        endpoint.tlsCert = tlscert
        endpoint.tlsKey = tlskey
        return CollectOptions(endpoint: endpoint, timeoutSeconds: timeout, concurrency: concurrency, root: root, processSource: processes)
    }
}

func collect(_ options: EngineOptions, imageContents: ImageContentsScope = .none) async throws -> Snapshot {
    var collectOptions = options.collectOptions
    collectOptions.imageContents = imageContents
    do {
        return try await Collector.snapshot(collectOptions)
    } catch {
        throw CouldNotAudit(description: String(describing: error))
    }
}

/// The policy file named by --config, else ./.docker-baseline.yaml when present, else the default policy.
func loadPolicy(_ config: String?) throws -> AuditPolicy {
    var policy = AuditPolicy()
    guard let path = config ?? (FileManager.default.fileExists(atPath: ".docker-baseline.yaml") ? ".docker-baseline.yaml" : nil) else { return policy }
    do { try PolicyFile.load(path, into: &policy) } catch { throw UsageProblem(description: String(describing: error)) }
    return policy
}

func write(_ data: Data, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(data)
        return
    }
    do {
        try SnapshotFile.writeAtomically(data, to: path)
    } catch {
        throw CouldNotAudit(description: "cannot write \(path): \((error as NSError).localizedDescription)")
    }
}

/// Writes a report in every requested format: to its file, to -o, or to standard output.
func emit(_ report: AuditReport, formats: [FormatTarget], output: String?, lang: Language?, verbose: Bool, remediation: Bool) throws {
    let environment = ProcessInfo.processInfo.environment
    let language = lang ?? Language.fromEnvironment(environment)
    for target in formats.isEmpty ? [FormatTarget(argument: "text")!] : formats {
        let destination = target.path ?? output
        let colour = destination == nil && isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"].map(\.isEmpty) ?? true)
            && environment["TERM"] != "dumb"
        let text = TextReporter(language: language, colour: colour, verbose: verbose, showRemediation: remediation)
        try write(try target.format.render(report, language: language, text: text), to: destination)
    }
}

extension Language: ExpressibleByArgument {}
extension ProcessSource: ExpressibleByArgument {}
extension ImageContentsScope: ExpressibleByArgument {}

extension ReportFormat: ExpressibleByArgument {}
extension Benchmark: ExpressibleByArgument {}
extension Profile: ExpressibleByArgument {}

/// Where a report goes and what makes the command fail: shared by `audit`, `lint` and `image`.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "Report format, repeatable: FORMAT or FORMAT=FILE, FORMAT one of text, json, sarif, junit, html, markdown (default text).")
    var formats: [FormatTarget] = []

    @Option(name: [.short, .long], help: "Write the one report without its own FILE here (atomically) instead of standard output.")
    var output: String?

    @Option(help: "Report language: en or zh (default: from LC_ALL / LC_MESSAGES / LANG).")
    var lang: Language?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a failure of this severity or above is found: none, info, low, medium, high, critical.")
    var failOn: FailThreshold = FailThreshold(argument: "high")!

    @Flag(help: "Show how to fix each failing rule (text format).")
    var remediation = false

    @Flag(name: [.short, .long], help: "Also list what passed (text format).")
    var verbose = false

    func validate() throws {
        if (formats.isEmpty ? 1 : formats.filter({ $0.path == nil }).count) > 1 {
            throw ValidationError("only one --format can go to standard output (or -o); give the others a file: --format json=report.json")
        }
    }

    func emit(_ report: AuditReport) throws {
        try docker_baseline.emit(report, formats: formats, output: output, lang: lang, verbose: verbose, remediation: remediation)
    }
}

/// `json`, or `json=report.json`: a format and where it goes (standard output without a file).
struct FormatTarget: ExpressibleByArgument {
    var format: ReportFormat
    var path: String?

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let format = ReportFormat(rawValue: parts[0]) else { return nil }
        self.format = format
        path = parts.count == 2 ? parts[1] : nil
    }

    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
    static var defaultValueDescription: String { "text" }
}

/// `none`, or a severity: the lowest severity of a failure that makes the exit code 1.
struct FailThreshold: ExpressibleByArgument {
    var severity: Severity?
    init?(argument: String) {
        if argument == "none" {
            severity = nil
        } else if let severity = Severity(rawValue: argument) {
            self.severity = severity
        } else {
            return nil
        }
    }
    static var allValueStrings: [String] { ["none"] + Severity.allCases.map(\.rawValue) }
}

@main
struct DockerBaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker-baseline",
        abstract: "Audit Docker engines, containers and images against the CIS Docker Benchmark and enterprise baselines.",
        version: ToolInfo.current.version,
        subcommands: [Audit.self, Lint.self, ImageCommand.self, Collect.self, Harden.self, ScanAPI.self, Rules.self])

    /// Maps argument errors to exit 2 and audit failures to exit 3, as documented.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CouldNotAudit {
            FileHandle.standardError.write(Data("docker-baseline: \(error.description)\n".utf8))
            Foundation.exit(Exit.couldNotAudit)
        } catch let error as UsageProblem {
            FileHandle.standardError.write(Data("docker-baseline: \(error.description)\n".utf8))
            Foundation.exit(Exit.usage)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == Exit.findings {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(Exit.usage)
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Collect from the engine (or read a saved snapshot) and judge every rule.",
        discussion: """
        Exit codes: 0 no failure at or above --fail-on (and the score at least --min-score); 1 failures at or above \
        it (with --baseline, new ones only) or a score below --min-score; 2 usage or configuration error; \
        3 could not audit (engine unreachable, unreadable snapshot, unwritable output).
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Judge a snapshot saved by `collect -o` instead of asking the engine.")
    var snapshot: String?

    @Option(name: .customLong("image-contents"), help: "Whose layers to read for the image-contents rules (4.3, 4.8, 4.10): used (images containers were created from), all, none.")
    var imageContents: ImageContentsScope = .used

    @Option(help: "Benchmark numbering to show, and whose rules to run: cis-1.6 (default), cis-1.8, cis-ce-1.1.")
    var benchmark: Benchmark?

    @Option(help: "Rules to judge: cis-level1, cis-level2, baseline-basic, baseline-enhanced (default: every rule).")
    var profile: Profile?

    @Option(help: "Only these rules (rule id, CIS id, section or glob; repeatable).")
    var include: [String] = []

    @Option(help: "Not these rules (rule id, CIS id, section or glob; repeatable).")
    var exclude: [String] = []

    @Option(name: .customLong("include-target"), help: "Only targets whose name matches this glob (repeatable).")
    var includeTargets: [String] = []

    @Option(name: .customLong("exclude-target"), help: "Not targets whose name matches this glob (repeatable).")
    var excludeTargets: [String] = []

    @Option(name: .customLong("label"), help: "Only containers and images with this label, KEY or KEY=VALUE (repeatable).")
    var labels: [String] = []

    @Option(help: "Policy file with profile, selection and waivers (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Option(help: "A previous JSON report: mark results new / unchanged / fixed, and fail only on new failures.")
    var baseline: String?

    @Option(name: .customLong("min-score"), help: "Exit 1 when the score (pass / (pass + fail), in %) is below this.")
    var minScore: Double?

    @Option(help: "Advisory table (JSON, the shape of the embedded one) to judge versions against, instead of the built-in table.")
    var advisories: String?

    @Option(name: .customLong("trusted-users"), help: "Comma-separated users allowed in the docker group (1.1.2).")
    var trustedUsers: String?

    @Option(name: .customLong("node-cert-max-days"), help: "The longest swarm node certificate lifetime accepted (7.7).")
    var nodeCertMaxDays: Int = 90

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        if let minScore, !(0...100).contains(minScore) { throw ValidationError("--min-score must be between 0 and 100") }
    }

    /// The policy from the configuration file, then the command line.
    func policy() throws -> AuditPolicy {
        var policy = try loadPolicy(config)
        if let benchmark { policy.benchmark = benchmark }
        if let profile { policy.profile = profile }
        if !include.isEmpty { policy.include = include }
        if !exclude.isEmpty { policy.exclude = exclude }
        policy.includeTargets = includeTargets
        policy.excludeTargets = excludeTargets
        policy.labels = labels
        if let baseline {
            do { policy.previousFailures = try AuditPolicy.failures(inReport: baseline) } catch { throw UsageProblem(description: String(describing: error)) }
        }
        return policy
    }

    func run() async throws {
        let policy = try policy()
        var table = AdvisoryTable.embedded
        if let advisories {
            do { table = try AdvisoryTable.load(advisories) } catch { throw UsageProblem(description: String(describing: error)) }
        }
        let snapshot: Snapshot
        if let path = self.snapshot {
            do {
                snapshot = try SnapshotFile.load(path)
            } catch {
                throw CouldNotAudit(description: String(describing: error))
            }
        } else {
            snapshot = try await collect(engine, imageContents: imageContents)
        }
        let trusted = trustedUsers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let report = policy.apply(to: Evaluator.evaluate(snapshot, advisories: table, trustedUsers: trusted, nodeCertMaxDays: nodeCertMaxDays))
        try reporting.emit(report)
        if let threshold = reporting.failOn.severity, let worst = report.worstFailure, worst >= threshold {
            throw ExitCode(Exit.findings)
        }
        if let minScore, let score = report.score, score < minScore {
            FileHandle.standardError.write(Data("docker-baseline: score \(score)% is below --min-score \(minScore)%\n".utf8))
            throw ExitCode(Exit.findings)
        }
    }
}

extension BuildFileKind: ExpressibleByArgument {}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check Dockerfiles and Compose files against the baseline before anything is built or run.",
        discussion: """
        PATH is a file, a directory (searched recursively for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, \
        compose.y(a)ml and docker-compose*.y(a)ml, honouring .gitignore) or - for standard input (with --kind). \
        Suppress a finding in the file with `# docker-baseline ignore=RULE reason` before the instruction or on the \
        YAML line (`ignore-stage=`, `ignore-file=` for wider scopes); a reason is required. \
        Exit codes: 0 no failure at or above --fail-on; 1 failures at or above it; 2 usage error or nothing to lint.
        """)

    @Argument(help: "Files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "What the files given (and standard input) are, when their names do not say: dockerfile or compose.")
    var kind: BuildFileKind?

    @Option(name: .customLong("exclude-path"), help: "Skip paths matching this .gitignore-style pattern (repeatable).")
    var excludePaths: [String] = []

    @Option(help: "Only these rules (rule id, CIS id or glob; repeatable).")
    var include: [String] = []

    @Option(help: "Not these rules (rule id, CIS id or glob; repeatable).")
    var exclude: [String] = []

    @Option(help: "Policy file with waivers (with expiry dates) and `lint:` settings (default: ./.docker-baseline.yaml when present).")
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
        if !include.isEmpty { policy.include = include }
        if !exclude.isEmpty { policy.exclude = exclude }
        var settings = policy.lint
        settings.allowedRegistries += allowedRegistries
        settings.requireDigest = settings.requireDigest || requireDigest
        settings.inlineIgnores = settings.inlineIgnores && !noInlineIgnores
        let candidates = BuildFileCollector.find(paths, exclude: policy.lintExcludePaths + excludePaths, kind: kind)
        guard !candidates.isEmpty else {
            throw UsageProblem(description: "no Dockerfile or Compose file found in \(paths.joined(separator: " "))")
        }
        let input = paths.contains("-") ? readStandardInput(limit: BuildFileCollector.sizeLimit) : nil
        let files = BuildFileCollector.load(candidates, standardInput: input)
        let report = policy.apply(to: Linter.lint(files, settings: settings), rules: LintCatalog.metadata)
        try reporting.emit(report)
        if let threshold = reporting.failOn.severity, let worst = report.worstFailure, worst >= threshold { throw ExitCode(Exit.findings) }
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

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Audit images on their own: configuration, history and the files in their layers (§4).",
        discussion: """
        REF is an image in the engine (name, id or digest), a `docker save` tar file, or an OCI image layout \
        directory. Layers are read as a stream, never extracted; secret values are never printed, only the path, \
        the layer and a short SHA-256 fingerprint. Exit codes: 0 no failure at or above --fail-on; 1 failures at or \
        above it; 2 usage error; 3 no image could be read at all.
        """)

    @Argument(help: "Images: engine references, docker save tar files or OCI layout directories.")
    var references: [String]

    @OptionGroup var engine: EngineOptions

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("name at least one image") }
    }

    func run() async throws {
        let snapshot: Snapshot
        do {
            snapshot = try await ImageAuditCollector.snapshot(references: references, options: engine.collectOptions)
        } catch {
            throw CouldNotAudit(description: String(describing: error))
        }
        let imageRules = RuleCatalog.all.filter { $0 is any ImageRule }
        let report = Evaluator.evaluate(snapshot, rules: imageRules)
        try reporting.emit(report)
        let readable = snapshot.images.filter { $0.inspect.config != nil || !($0.contents?.layers.isEmpty ?? true) }
        if readable.isEmpty {
            throw CouldNotAudit(description: "no image could be read: " + (snapshot.problems.map(\.message) + snapshot.images.flatMap {
                ($0.contents?.problems ?? []).map(\.description) }).prefix(3).joined(separator: "; "))
        }
        if let threshold = reporting.failOn.severity, let worst = report.worstFailure, worst >= threshold { throw ExitCode(Exit.findings) }
    }
}

struct Harden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn the current findings into concrete changes. Dry run by default: prints the plan, changes nothing.",
        discussion: """
        With --apply, only host-level files change (daemon.json, audit rules, file modes and owners, all under --root), \
        each after a timestamped backup, with the commands to roll back printed. Containers are never touched and the \
        daemon is never restarted.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Plan from a snapshot saved by `collect -o` instead of asking the engine.")
    var snapshot: String?

    @Option(help: "Policy file whose waivers are respected (default: ./.docker-baseline.yaml when present).")
    var config: String?

    @Flag(help: "Apply the host-level file changes (after backups). Without it nothing is changed.")
    var apply = false

    func run() async throws {
        let policy = try loadPolicy(config)
        let snapshot: Snapshot
        if let path = self.snapshot {
            do { snapshot = try SnapshotFile.load(path) } catch { throw CouldNotAudit(description: String(describing: error)) }
        } else {
            snapshot = try await collect(engine)
        }
        let report = policy.apply(to: Evaluator.evaluate(snapshot))
        let files = HostFiles(root: engine.root)
        let plan = HardeningPlan.make(for: report, daemonConfigText: snapshot.host.flatMap { files.read($0.daemon.configFile) })
        print(plan.text(), terminator: "")
        guard apply else {
            print(plan.isEmpty ? "" : "\nDry run: nothing was changed. `harden --apply` applies the daemon.json, audit-rule and file changes (with backups).")
            return
        }
        let outcome: PlanApplier.Outcome
        do { outcome = try PlanApplier(root: engine.root).apply(plan) } catch { throw CouldNotAudit(description: String(describing: error)) }
        print("\nApplied:\n" + outcome.done.map { "  \($0)" }.joined(separator: "\n"))
        if !outcome.skipped.isEmpty { print("Skipped:\n" + outcome.skipped.map { "  \($0)" }.joined(separator: "\n")) }
        if !outcome.rollback.isEmpty { print("To roll back:\n" + outcome.rollback.reversed().map { "  \($0)" }.joined(separator: "\n")) }
    }
}

struct ScanAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-api",
        abstract: "Find Docker APIs that answer without authentication on the hosts you name.",
        discussion: """
        TARGET is a host name, an IPv4 or IPv6 address, an IPv4 CIDR (at most a /16) or a file of them, one per line. \
        Each port is asked GET /version without credentials, in plain HTTP and over TLS without a client certificate. \
        Only the targets given are contacted. Exit 1 when an unauthenticated API is found (see --fail-on).
        """)

    @Argument(help: "Hosts, addresses, CIDRs, or files of them.")
    var targets: [String]

    @Option(help: "Comma-separated ports.")
    var ports: String = "2375,2376"

    @Option(help: "Seconds to wait to connect and for each answer.")
    var timeout: Int = 3

    @Option(help: "Probes in flight at once.")
    var concurrency: Int = 16

    @Option(help: "New connections per second at most.")
    var rate: Int = 100

    @Option(name: .customLong("format"), help: "Report format, repeatable: FORMAT or FORMAT=FILE (text, json, sarif, junit, html, markdown).")
    var formats: [FormatTarget] = []

    @Option(name: [.short, .long], help: "Write the one report without its own FILE here instead of standard output.")
    var output: String?

    @Option(help: "Report language: en or zh.")
    var lang: Language?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding of this severity or above is found.")
    var failOn: FailThreshold = FailThreshold(argument: "high")!

    @Flag(name: [.short, .long], help: "List every probed port, closed ones included (text format).")
    var verbose = false

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("name at least one target") }
        guard (1...60).contains(timeout), (1...256).contains(concurrency), (1...10_000).contains(rate) else {
            throw ValidationError("--timeout 1–60, --concurrency 1–256, --rate 1–10000")
        }
        guard parsedPorts != nil else { throw ValidationError("--ports must be comma-separated numbers from 1 to 65535") }
    }

    var parsedPorts: [Int]? {
        let values = ports.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 65535 }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() async throws {
        let addresses: [String]
        do { addresses = try APIScanner.expand(targets) } catch { throw UsageProblem(description: String(describing: error)) }
        var scanner = APIScanner()
        scanner.ports = parsedPorts!
        scanner.timeoutSeconds = Int64(timeout)
        scanner.concurrency = concurrency
        scanner.ratePerSecond = rate
        let showProgress: @Sendable (Int, Int) -> Void = { done, total in
            let line = "\rscan-api: \(done)/\(total) probed" + (done == total ? "\n" : "")
            FileHandle.standardError.write(Data(line.utf8))
        }
        let found = await scanner.scan(addresses, progress: isatty(STDERR_FILENO) == 1 ? showProgress : nil)
        let report = APIScanner.report(found, targets: targets)
        try emit(report, formats: formats, output: output, lang: lang, verbose: verbose, remediation: false)
        if let threshold = failOn.severity, let worst = report.worstFailure, worst >= threshold { throw ExitCode(Exit.findings) }
    }
}

struct Collect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gather everything the rules need into a snapshot file, to audit later with `audit --snapshot`.")

    @OptionGroup var engine: EngineOptions

    @Option(name: [.short, .long], help: "Snapshot file to write (written atomically); - for standard output.")
    var output: String

    @Option(name: .customLong("image-contents"), help: "Whose layers to read: used, all, none.")
    var imageContents: ImageContentsScope = .used

    func run() async throws {
        let snapshot = try await collect(engine, imageContents: imageContents)
        try write(try SnapshotFile.encode(snapshot), to: output)
        if output != "-" {
            FileHandle.standardError.write(Data(
                "docker-baseline: wrote \(output): \(snapshot.containers.count) containers, \(snapshot.images.count) images, \(snapshot.problems.count) problems\n".utf8))
        }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules with their ids, CIS ids and severity.")

    enum ListFormat: String, ExpressibleByArgument { case text, markdown }

    @Option(help: "text or markdown (the table in docs/rules.md).")
    var format: ListFormat = .text

    @Option(help: "Language of the text list: en or zh (default: from the environment).")
    var lang: Language?

    func run() throws {
        let rules = RuleCatalog.all.map(\.metadata) + LintCatalog.all.map(\.metadata)
        switch format {
        case .text:
            print(RuleListing.text(rules, language: lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)), terminator: "")
        case .markdown:
            print(RuleListing.markdown(rules), terminator: "")
        }
    }
}
