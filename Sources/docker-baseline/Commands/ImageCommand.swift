import ArgumentParser
import DockerBaseline

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Audit images on their own: configuration, history and the files in their layers (§4).",
        discussion: """
        REF is an image in the engine (name, id or digest), a `docker save` tar file, or an OCI image layout \
        directory. Layers are read as a stream, never extracted; secret values are never printed, only the path, \
        the layer and a short SHA-256 fingerprint. Exit codes: 0 no failure at or above --fail-on; 1 failures at or \
        above it, or an image that could not be read while others were; 2 usage error; 3 no image could be read at all.
        """)

    @Argument(help: "Images: engine references, docker save tar files or OCI layout directories.")
    var references: [String]

    @OptionGroup var engine: EngineOptions

    @OptionGroup var cache: CacheOptions

    @OptionGroup var vulnerabilities: VulnerabilityOptions

    @Option(name: .customLong("sbom"), help: "Also write the image's software bill of materials: cyclonedx or spdx, optionally =FILE (default: standard output, and then only reports with their own file are written).")
    var sbom: SBOMTarget?

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("name at least one image") }
        if sbom != nil && references.count > 1 { throw ValidationError("--sbom describes one image: name only one") }
    }

    func run() async throws {
        // A database that cannot be read is a usage error before any image is read.
        let database = try vulnerabilities.open(cacheDirectory: cache.cache?.directory.path)
        var snapshot: Snapshot
        do {
            var options = engine.collectOptions
            options.contentCache = cache.cache
            snapshot = try await ImageAuditCollector.snapshot(references: references, options: options)
        } catch {
            TerminalProgress.shared?.finish()
            throw CouldNotAudit(description: String(describing: error))
        }
        TerminalProgress.shared?.finish()
        VulnerabilityMatcher.attach(to: &snapshot, database: database)
        var settings = RuleSettings()
        vulnerabilities.apply(to: &settings)
        let report = Evaluator.evaluate(snapshot, rules: RuleCatalog.all.filter { $0 is any ImageRule }, settings: settings)
        if let sbom, let image = snapshot.images.first {
            if snapshot.images.count > 1 {
                writeStandardError("docker-baseline: \(references[0]) holds \(snapshot.images.count) images; the SBOM describes the first, \(image.inspect.tags.first ?? image.inspect.id)\n")
            }
            let unread = (image.contents?.problems.map(\.description) ?? []) + (image.contents?.inventory?.unread ?? [])
            if let first = unread.first {
                writeStandardError("docker-baseline: the SBOM may be incomplete: \(UntrustedText.shown(first))\n")
            }
            do {
                try write(try SBOMWriter.document(sbom.format, for: image), to: sbom.path ?? reporting.output)
            } catch let error as SBOMWriter.Unavailable {
                throw CouldNotAudit(description: error.description)
            }
        }
        let unread = report.unreadInputs.map(\.target.name)
        try reporting.finish(report, couldNotAudit: unreadable(snapshot),
                             failure: unread.isEmpty ? nil : LocalizedText(en: "\(unread.count) image(s) could not be read: \(unread.joined(separator: ", "))",
                                                                             zh: "\(unread.count) 个镜像无法读取：\(unread.joined(separator: "、"))"), standardOutputTaken: sbom != nil && sbom?.path == nil)
    }

    /// Why no image could be read at all, or nil when at least one was.
    func unreadable(_ snapshot: Snapshot) -> String? {
        guard !snapshot.images.contains(where: { $0.inspect.config != nil || !($0.contents?.layers.isEmpty ?? true) }) else { return nil }
        let problems = snapshot.problems.map(\.message) + snapshot.images.flatMap { ($0.contents?.problems ?? []).map(\.description) }
        return "no image could be read: " + problems.prefix(3).joined(separator: "; ")
    }
}

extension SBOMFormat: ExpressibleByArgument {}

/// `cyclonedx`, `spdx`, or either `=FILE`.
struct SBOMTarget: ExpressibleByArgument {
    var format: SBOMFormat
    var path: String?

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let format = SBOMFormat(rawValue: parts[0]) else { return nil }
        self.format = format
        path = parts.count == 2 ? parts[1] : nil
    }

    static var allValueStrings: [String] { SBOMFormat.allCases.map(\.rawValue) }
}
